"""Coverage rules (SG3xx): can each split measure each class?

The messages say what a count means for evaluation: with n positives, a measured
sensitivity of 0.75 has a 95% Wilson interval; that width is why minimums exist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np

from splitguard.core.intervals import sensitivity_interval
from splitguard.core.options import (
    FRACTIONS,
    IMBALANCE_THRESHOLD,
    MIN_POSITIVE_GROUPS,
    MIN_POSITIVES,
    TRAIN_FLOOR,
    Option,
)
from splitguard.core.wording import counted
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.coverage_drift import (
    MINIMUM_OPTIONS,
    ClassShareDrift,
    SplitSizeDrift,
    asked_minimums,
    split_fractions,
)
from splitguard.rules.where import frame_rows, split_file

DEFAULT_MINIMUM = 10


def interval_text(count: int) -> str:
    low, high = sensitivity_interval(count)
    return f"a measured sensitivity of 0.75 has a 95% Wilson interval of {low:.2f}-{high:.2f}"


def positive_rows(
    context: Context, split: int, label: int, *, locate: bool = True
) -> dict[str, Any]:
    """Location fields for the positive rows of class `label` in split `split`.

    From an engine's counts (no rows at hand), or where `locate` is False, how many rows
    and groups they are.
    """
    frame, counts = context.frame, context.counts
    file = split_file(frame, counts.split_names[split])
    if context.table_counts is not None or not locate:
        return {
            **file,
            "n_rows": int(counts.positives_by_split[split, label]),
            "n_groups": int(counts.positive_groups_by_split[split, label]),
        }
    rows = frame.rows_of(label)
    where = frame_rows(frame, rows[context.aggregates.split_of_row[rows] == split])
    # No positive row (SG306 on a class absent from the split): the split's file still.
    return {**file, **where}


def shown_alone(findings: int) -> bool:
    """Whether `findings` per-class findings of one rule in one split are shown one by
    one, so that their rows are worth locating. Past `TAIL_LIMIT` they become one
    finding that keeps each class's count but no rows (`splitguard.lint.aggregated`):
    locating the rows of thousands of shortfalls took seconds for nothing. (A
    per-class ignore or a baseline may bring such a split back under the limit; its
    findings then name their counts and file, as an engine's do.)"""
    from splitguard.lint import aggregated

    return findings <= aggregated.TAIL_LIMIT


class ClassAbsentFromSplit(Rule):
    """A class has no positive row in a split.

    ## What it does
    Reports every (split, class) pair where the class has positives in the table but
    none in the split. More than 20 classes absent from one split make one finding that
    names those with the most positives in the table and lists them all (`classes` in
    json and sarif).

    ## Why it matters
    With no positives in test, the class's sensitivity and AUC cannot be measured at
    all; with none in train, the model never sees the class.

    ## Example
    `SG301 Hernia has no positive row in test: its sensitivity cannot be measured.`

    ## Options
    None (see SG302 for a minimum above zero).

    ## Fix
    `splitguard fix ... --min-positives test=25` moves whole groups to give the split
    its positives; `splitguard split` builds splits that cover every class.
    """

    code = "SG301"
    name = "class-absent-from-split"
    family = "coverage"
    severity: ClassVar[Severity] = "error"
    needs_splits = True
    reads = "counts"
    class_list = "{classes} have no positive row in {split} (positives in the table, most first)"

    def check(self, context: Context) -> Iterator[Finding]:
        aggregates = context.counts
        counts = aggregates.positives_by_split
        for split, label in zip(
            *np.nonzero((counts == 0) & (aggregates.positives > 0)), strict=True
        ):
            name = aggregates.classes[label]
            split_name = aggregates.split_names[split]
            yield self.finding(
                f"{name} has no positive row in {split_name}: its sensitivity cannot be "
                "measured there.",
                split=split_name,
                label=name,
                **split_file(context.frame, split_name),
                # A class absent despite many positives is the likelier mistake.
                count=int(aggregates.positives[label]),
                worse=float(aggregates.positives[label]),
            )


class _BelowMinimum(Rule):
    """The advisory minimum on a (split, class) count, where none is asked for the split.

    A minimum asked for a split (by name or `*`) is SG306's; zero counts are SG301's.
    """

    option: ClassVar[Option[dict[str, Any]]]
    unit: ClassVar[str]
    reads = "counts"

    def counts(self, context: Context) -> np.ndarray:
        raise NotImplementedError

    def check(self, context: Context) -> Iterator[Finding]:
        aggregates = context.counts
        minimums = context.option(self.option)
        counts = self.counts(context)
        for split, split_name in enumerate(aggregates.split_names):
            if split_name in minimums or "*" in minimums:
                continue
            minimum = DEFAULT_MINIMUM
            labels = np.flatnonzero((counts[split] > 0) & (counts[split] < minimum))
            locate = shown_alone(labels.size)
            for label in labels:
                count = int(counts[split, label])
                name = aggregates.classes[label]
                where = positive_rows(context, split, int(label), locate=locate)
                where.update(split=split_name, label=name)
                yield self.finding(
                    f"{name} has {counted(count, self.unit)} in {split_name} (minimum {minimum}): "
                    f"{interval_text(count)}.",
                    count=count,
                    **where,
                )


class TooFewPositives(_BelowMinimum):
    """A class has fewer positive rows in a split than the advisory minimum of 10.

    ## What it does
    Reports every (split, class) pair with at least one but fewer than 10 positive rows,
    in splits that `min-positives` does not name (a minimum asked for is SG306's). More
    than 20 classes in one split make one finding that names those with the fewest
    positives and lists them all (`classes` in json and sarif).

    ## Why it matters
    A sensitivity measured on a handful of positives is noise: on 4 positives, a
    measured 0.75 has a 95% Wilson interval of 0.30-0.95, wide enough to hide any
    difference between two models.

    ## Example
    `SG302 Hernia has 4 positives in test (minimum 10): a measured sensitivity of 0.75
    has a 95% Wilson interval of 0.30-0.95.`

    ## Options
    `min-positives` (per split: `test=25,val=25`): a split it names is checked by SG306.

    ## Fix
    `splitguard fix ... --min-positives test=25`, or `splitguard split` with it.
    """

    code = "SG302"
    name = "too-few-positives"
    family = "coverage"
    severity: ClassVar[Severity] = "warning"
    options = (MIN_POSITIVES,)
    needs_splits = True
    option = MIN_POSITIVES
    unit = "positive"
    class_list = f"{{classes}} have under {DEFAULT_MINIMUM} positives in {{split}} (fewest first)"

    def counts(self, context: Context) -> np.ndarray:
        return context.counts.positives_by_split


class TooFewPositiveGroups(_BelowMinimum):
    """A class's positives in a split come from fewer groups (patients) than 10.

    ## What it does
    Reports every (split, class) pair whose positive rows come from at least one but
    fewer than 10 groups, in splits that `min-positive-groups` does not name (a minimum
    asked for is SG306's). Needs `--group`. More than 20 classes in one split make one
    finding that names those with the fewest positive groups and lists them all
    (`classes` in json and sarif).

    ## Why it matters
    Images of one patient are not independent: 30 positive images of 2 patients
    measure the model on 2 patients. The interval below counts patients, not images.

    ## Example
    `SG303 Hernia has 3 positive groups in test (minimum 10): a measured sensitivity of
    0.75 has a 95% Wilson interval of 0.21-0.94.`

    ## Options
    `min-positive-groups` (per split: `test=10`): a split it names is checked by SG306.

    ## Fix
    Build the split with `splitguard split --min-positives`, which places whole groups.
    """

    code = "SG303"
    name = "too-few-positive-groups"
    family = "coverage"
    severity: ClassVar[Severity] = "warning"
    options = (MIN_POSITIVE_GROUPS,)
    needs_splits = True
    option = MIN_POSITIVE_GROUPS
    unit = "positive group"
    class_list = (
        f"{{classes}} have under {DEFAULT_MINIMUM} positive groups in {{split}} (fewest first)"
    )

    def check(self, context: Context) -> Iterator[Finding]:
        if context.frame.has_groups:
            yield from super().check(context)

    def counts(self, context: Context) -> np.ndarray:
        return context.counts.positive_groups_by_split


class MinimumNotMet(Rule):
    """A minimum asked for a split is not met.

    ## What it does
    For every minimum asked (`min-positives` as a count or a percent of the class,
    `min-positive-groups`, `min-prevalence`), on the classes `min-classes` picks, reports
    each (split, class) below it: what was asked, what was reached, and why: the data
    has only so many positive rows or groups; the train floor (train keeps
    `train-floor`, 40%, of every class's positive rows: the split named `train`, else the
    first); or the split's size, which minimums never change. More than 20 shortfalls in
    one split make one finding that names the classes furthest from their minimum and
    lists them all (`classes` in json and sarif).

    ## Why it matters
    A minimum is the number the evaluation was planned around. A test split with fewer
    positives than asked measures the class less precisely than promised, so the run
    fails rather than passing quietly.

    ## Example
    `--min-prevalence test=0.02` on NIH: `SG306 Hernia in test: min-prevalence 2.0% (225
    of 11,212 rows) asked, 1.20% (135) reached: the data has 227 positive rows in 134
    groups; train keeps at least 91 of them (train floor 40%), so test can hold at
    most 136.`

    ## Options
    `min-positives`, `min-positive-groups`, `min-prevalence`, `min-classes`,
    `train-floor`, `imbalance-threshold` (what `rare` means), `fractions`.

    ## Fix
    Ask for what the data allows (a lower minimum, `--min-classes rare`, a lower
    `--train-floor`), or build the split with `splitguard split`, which meets every
    minimum the data, the floor and the split sizes allow.
    """

    code = "SG306"
    name = "minimum-not-met"
    family = "coverage"
    severity: ClassVar[Severity] = "error"
    options = (*MINIMUM_OPTIONS, TRAIN_FLOOR, IMBALANCE_THRESHOLD, FRACTIONS)
    needs_splits = True
    reads = "counts"
    class_list = "{classes} miss a minimum asked for {split} (positives there, worst first)"

    def check(self, context: Context) -> Iterator[Finding]:
        from splitguard.core.shortfalls import unmet_in

        spec, counts = asked_minimums(context), context.counts
        shortfalls = list(unmet_in(counts, spec, split_fractions(context)))
        per_split = Counter(shortfall.split for shortfall in shortfalls)
        class_index = {name: index for index, name in enumerate(counts.classes)}
        for shortfall in shortfalls:
            split = counts.split_names.index(shortfall.split)
            label = class_index[shortfall.label]
            locate = shown_alone(per_split[shortfall.split])
            where = positive_rows(context, split, label, locate=locate)
            where.update(split=shortfall.split, label=shortfall.label)
            yield self.finding(
                shortfall.message,
                count=where["n_rows"],
                worse=1 - shortfall.reached / max(shortfall.asked, 1e-12),
                **where,
            )


RULES: list[type[Rule]] = [
    ClassAbsentFromSplit,
    TooFewPositives,
    TooFewPositiveGroups,
    ClassShareDrift,
    SplitSizeDrift,
    MinimumNotMet,
]
