"""Leakage by row id and by file (SG202, SG203): the same item under two splits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from splitguard.core.options import ID, Option, names
from splitguard.core.wording import counted
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.spread import pair_counts, rows_by_key_and_split
from splitguard.rules.where import leaked_rows

HASH_COL: Option[tuple[str, ...]] = Option(
    "hash-col",
    "Column of file hashes or paths (a file in two splits leaks).",
    names,
    (),
    "COL",
    multiple=True,
)


def _leak(context: Context, rule: Rule, column: str, what: str) -> Iterator[Finding]:
    """One finding for the values of table column `column` found in two or more splits."""
    frame, aggregates = context.frame, context.aggregates
    codes, values = aggregates.encoded(column)
    record_splits = aggregates.split_of_row[frame.row_of_record]
    counts = rows_by_key_and_split(codes, record_splits, len(values), aggregates.n_splits)
    presence = counts > 0
    leaked = np.count_nonzero(presence, axis=1) > 1
    if not leaked.any():
        return
    records = np.flatnonzero((codes >= 0) & np.append(leaked, False)[codes])
    yield rule.finding(
        f"{counted(int(leaked.sum()), what)} (column {column!r}) in more than one split "
        f"({pair_counts(presence[leaked], aggregates.split_names)}); "
        f"{counted(len(records), 'row')} in all.",
        column=column,
        **leaked_rows(frame, records),
    )


class RowIdLeak(Rule):
    """The same row id (image) appears in more than one split.

    ## What it does
    Counts, for every value of the `--id` column, the splits it appears in; all ids found
    in two or more splits make one finding.

    ## Why it matters
    The very same image in train and test is memorised, not generalised: its test score
    is a training score.

    ## Example
    `00000013_005.png` in `train.csv` and `test.csv`: `SG202 1 row id (column 'Image
    Index') in more than one split (train & test 1); 2 rows in all.`

    ## Options
    `id`.

    ## Fix
    Remove the copies so that each image lives in one split (`splitguard fix`).
    """

    code = "SG202"
    name = "row-id-leak"
    family = "leakage"
    severity: ClassVar[Severity] = "error"
    options = (ID,)
    needs_splits = True

    def check(self, context: Context) -> Iterator[Finding]:
        if context.frame.spec.id:
            yield from _leak(context, self, context.frame.spec.id, "row id")


class FileLeak(Rule):
    """The same file (by hash or path) appears in more than one split.

    ## What it does
    For each `--hash-col` column (a content hash such as sha256, or a file path), counts
    the splits each value appears in; the values found in two or more splits make one
    finding per column.

    ## Why it matters
    Data sets are often assembled from copies: the same pixels under two image ids leak
    exactly as the same id does, and only a content hash shows it.

    ## Example
    `--hash-col sha256` with one hash in train and in val: `SG203 1 file (column
    'sha256') in more than one split (train & val 1); 2 rows in all.`

    ## Options
    `hash-col` (repeatable).

    ## Fix
    Deduplicate by hash before splitting, or pass the hash column as a second `--group`
    so that `split` and `fix` keep copies together.
    """

    code = "SG203"
    name = "file-leak"
    family = "leakage"
    severity: ClassVar[Severity] = "error"
    options = (HASH_COL,)
    needs_splits = True

    def check(self, context: Context) -> Iterator[Finding]:
        present = context.frame.table.column_names
        for column in context.option(HASH_COL):
            if column in present:
                yield from _leak(context, self, column, "file")
