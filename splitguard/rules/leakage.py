"""Leakage rules (SG2xx): does anything of one split reappear in another?

Each rule counts, per key (group, row id, file), the splits it has rows in, with one
`bincount` over (key, split) pairs; a key in two or more splits is a leak. All the
keys of one kind make one finding, with the count per pair of splits in the message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from splitguard.core.options import GROUP
from splitguard.core.wording import counted
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.leakage_keys import FileLeak, RowIdLeak
from splitguard.rules.spread import pair_counts
from splitguard.rules.where import leaked_groups, leaked_rows, records_of


class GroupLeak(Rule):
    """A group (patient) has rows in more than one split.

    ## What it does
    Counts, for every group (rows that share a value in any `--group` column), the splits
    it has rows in. All leaked groups make one finding: their number, the count per pair
    of splits, and a sample of the groups and rows.

    ## Why it matters
    Images of one patient share anatomy, devices and disease: a model that has seen the
    patient in training recognises them in test, and test scores overstate how it does
    on new patients (Oakden-Rayner 2019 on NIH ChestX-ray14).

    ## Example
    A random 80/10/10 row split of NIH ChestX-ray14: `SG201 8,103 groups (by 'Patient
    ID') in more than one split (train & val 5,333, train & test 5,349, val & test
    2,751); 77,727 rows in all.`

    ## Options
    `group` (repeatable: rows sharing any key are one group).

    ## Fix
    `splitguard fix train=... val=... test=... --out DIR` moves each leaked group to one
    split with the fewest moves; `splitguard split` builds leak-free splits anew.
    """

    code = "SG201"
    name = "group-leak"
    family = "leakage"
    severity: ClassVar[Severity] = "error"
    options = (GROUP,)
    needs_splits = True
    reads = "counts"

    def check(self, context: Context) -> Iterator[Finding]:
        frame, counts = context.frame, context.counts
        leaks = counts.leaked_groups
        if not frame.has_groups or not len(leaks):
            return
        columns = ", ".join(repr(c) for c in frame.spec.group)
        if context.table_counts is None:
            aggregates = context.aggregates
            rows = np.flatnonzero((aggregates.splits_per_group > 1)[frame.groups])
            where = leaked_rows(frame, records_of(frame, rows))
        else:
            where = leaked_groups(frame, leaks, counts.split_names)
        yield self.finding(
            f"{counted(len(leaks), 'group')} (by {columns}) in more than one split "
            f"({pair_counts(leaks.rows_by_split > 0, counts.split_names)}); "
            f"{counted(int(leaks.rows_by_split.sum()), 'row')} in all.",
            column=frame.spec.group[0],
            **where,
        )


class NoGroupKey(Rule):
    """No group column is given, so leaks between patients cannot be checked.

    ## What it does
    Reports, once, that each row is its own group because no `--group` column is set.

    ## Why it matters
    Most medical data sets hold several images per patient; without the patient id a
    split can leak every one of them and still pass SG201.

    ## Example
    `splitguard check train=a.csv test=b.csv --labels y`: `SG204 no group column`.

    ## Options
    `group`.

    ## Fix
    Pass `--group COL` (the patient id; repeat it for study id or file hash).
    """

    code = "SG204"
    name = "no-group-key"
    family = "leakage"
    severity: ClassVar[Severity] = "info"
    options = (GROUP,)
    needs_splits = True
    reads = "counts"

    def check(self, context: Context) -> Iterator[Finding]:
        if not context.frame.has_groups:
            yield self.finding(
                "no group column is given: each row is its own group, so a patient with "
                "images in two splits goes unnoticed. Pass --group COL."
            )


RULES: list[type[Rule]] = [GroupLeak, RowIdLeak, FileLeak, NoGroupKey]
