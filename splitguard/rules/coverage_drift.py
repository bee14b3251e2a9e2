"""Coverage rules on shares (SG304, SG305): does each split get its share of each class?"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from splitguard.core.options import (
    FRACTIONS,
    IMBALANCE_THRESHOLD,
    MIN_CLASSES,
    MIN_POSITIVE_GROUPS,
    MIN_POSITIVES,
    MIN_PREVALENCE,
    TRAIN_FLOOR,
    Option,
    share,
)
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.where import split_file

if TYPE_CHECKING:
    from splitguard.core.shortfalls import MinimumSpec

# The options of the minimums: SG304 reads them to tell a drift asked for from one not.
MINIMUM_OPTIONS = (MIN_POSITIVES, MIN_POSITIVE_GROUPS, MIN_PREVALENCE, MIN_CLASSES)


def split_fractions(context: Context) -> np.ndarray:
    """Each split's requested share of rows (`fractions`), else its actual share."""
    aggregates = context.counts
    actual = aggregates.rows_by_split / max(1, int(aggregates.rows_by_split.sum()))
    requested = context.option(FRACTIONS)
    if not requested:
        return actual
    return np.array(
        [requested.get(name, actual[i]) for i, name in enumerate(aggregates.split_names)]
    )


DRIFT_TOLERANCE = Option(
    "drift-tolerance",
    "Allowed relative drift of a class's share in a split from the split's fraction.",
    share,
    0.25,
    "X",
)
SIZE_TOLERANCE = Option(
    "size-tolerance",
    "Allowed drift of a split's size from its fraction (absolute share of rows).",
    share,
    0.02,
    "X",
)


def asked_minimums(context: Context) -> MinimumSpec:
    """The minimums this run asks for (the options `split` builds to as well)."""
    from splitguard.core.shortfalls import MinimumSpec

    return MinimumSpec(
        positives=context.option(MIN_POSITIVES),
        positive_groups=context.option(MIN_POSITIVE_GROUPS),
        prevalence=context.option(MIN_PREVALENCE),
        classes=context.option(MIN_CLASSES) or ("all",),
        rare_threshold=context.option(IMBALANCE_THRESHOLD),
        train_floor=context.option(TRAIN_FLOOR),
    )


# How many standard deviations from the expected count a drift must be to be reported.
DRIFT_Z = 3.0


def beyond_chance(context: Context, expected: np.ndarray) -> np.ndarray:
    """(S, C): True where a split's positives differ from the expected count by more
    than `DRIFT_Z` standard deviations of a random assignment of whole groups."""
    aggregates = context.counts
    squares = aggregates.group_square_sums.astype(np.float64)
    spread = np.sqrt(expected[:, None] * (1 - expected[:, None]) * squares[None, :])
    gap = np.abs(aggregates.positives_by_split - expected[:, None] * aggregates.positives)
    result: np.ndarray = gap > DRIFT_Z * spread
    return result


class ClassShareDrift(Rule):
    """A class's share of positives in a split drifts from the split's fraction.

    ## What it does
    For each class, compares the share of its positive rows that fall in a split with
    the split's fraction (`fractions`, else the split's share of all rows); reports a
    relative drift above `drift-tolerance` (0.25 by default) that chance does not
    explain: one more than 3 standard deviations from the expected count, where a split
    that drew whole groups at random would give the variance
    `f * (1 - f) * sum over groups of (the group's positive rows)^2`. A rare class
    drifting by 30% on 20 expected positives is noise, not a finding. More than 20
    drifting classes in one split make one finding that names the largest drifts and
    lists them all (`classes` in json and sarif).

    ## Why it matters
    A test split holding 3% of a class's positives while holding 10% of the rows
    measures that class on too few cases, and the train split learns the class's
    prevalence wrong.

    ## Example
    `SG304 Pneumonia: test holds 5.1% of its positives, against a fraction of 10.0%
    (drift 49%, tolerance 25%).`

    A class whose minimum asks a split for more than that split's fraction of it
    (`--min-positives test=50%`, a `--min-prevalence` above its share) drifts by
    request: SG306 and the train floor judge it instead.

    ## Options
    `fractions`, `drift-tolerance`, and the minimums (`min-positives`,
    `min-prevalence`, `min-classes`).

    ## Fix
    Build the splits with `splitguard split`, which stratifies on every class.
    """

    code = "SG304"
    name = "class-share-drift"
    family = "coverage"
    severity: ClassVar[Severity] = "warning"
    options = (FRACTIONS, DRIFT_TOLERANCE, *MINIMUM_OPTIONS)
    needs_splits = True
    reads = "counts"
    class_list = "{classes} drift from {split}'s share (positives there, worst drift first)"

    def check(self, context: Context) -> Iterator[Finding]:
        aggregates = context.counts
        tolerance = context.option(DRIFT_TOLERANCE)
        expected = split_fractions(context)
        totals = aggregates.positives
        shares = aggregates.positives_by_split / np.maximum(totals, 1)
        drift = np.abs(shares - expected[:, None]) / np.maximum(expected[:, None], 1e-12)
        flagged = (
            (drift > tolerance)
            & (totals > 0)
            & (aggregates.positives_by_split > 0)
            & beyond_chance(context, expected)
            & ~oversampled_on_request(context, expected, tolerance)[None, :]
        )
        for split, label in zip(*np.nonzero(flagged), strict=True):
            name = aggregates.classes[label]
            split_name = aggregates.split_names[split]
            yield self.finding(
                f"{name}: {split_name} holds {shares[split, label]:.1%} of its positives, "
                f"against a fraction of {expected[split]:.1%} (drift {drift[split, label]:.0%}, "
                f"tolerance {tolerance:.0%}).",
                split=split_name,
                label=name,
                n_rows=int(aggregates.positives_by_split[split, label]),
                n_groups=int(aggregates.positive_groups_by_split[split, label]),
                **split_file(context.frame, split_name),
                count=int(aggregates.positives_by_split[split, label]),
                worse=float(drift[split, label]),
            )


def oversampled_on_request(context: Context, expected: np.ndarray, tolerance: float) -> np.ndarray:
    """(C,) classes whose minimum asks some split for more than its drift tolerance allows."""
    from splitguard.core.shortfalls import asked

    aggregates = context.counts
    wanted = asked(asked_minimums(context), aggregates.split_names, aggregates.classes, aggregates)
    if not wanted.any:
        return np.zeros(len(aggregates.classes), dtype=bool)
    totals = np.maximum(aggregates.positives, 1).astype(np.float64)
    prevalence_rows = wanted.prevalence * aggregates.rows_by_split[:, None]
    share_asked = np.maximum(wanted.positives, prevalence_rows) / totals
    return np.asarray((share_asked > expected[:, None] * (1 + tolerance)).any(axis=0))


class SplitSizeDrift(Rule):
    """A split's share of rows drifts from its requested fraction.

    ## What it does
    When `fractions` is set, compares each split's share of the rows with its fraction
    and reports an absolute difference above `size-tolerance` (0.02 by default). A split
    named in `fractions` but absent from the inputs is reported too.

    ## Why it matters
    A test split that shrank from 10% to 6% (after deduplication, or a filter applied to
    one file only) measures every class on fewer cases than planned.

    ## Example
    `SG305 test holds 6.1% of the rows, against a fraction of 10.0% (tolerance 2.0%).`

    ## Options
    `fractions`, `size-tolerance`.

    ## Fix
    Rebuild the splits with `splitguard split --fractions ...`.
    """

    code = "SG305"
    name = "split-size-drift"
    family = "coverage"
    severity: ClassVar[Severity] = "warning"
    options = (FRACTIONS, SIZE_TOLERANCE)
    needs_splits = True
    reads = "counts"

    def check(self, context: Context) -> Iterator[Finding]:
        requested = context.option(FRACTIONS)
        if not requested:
            return
        aggregates = context.counts
        tolerance = context.option(SIZE_TOLERANCE)
        total = max(1, int(aggregates.rows_by_split.sum()))
        for split_name, fraction in requested.items():
            if split_name in aggregates.split_names:
                rows = int(aggregates.rows_by_split[aggregates.split_names.index(split_name)])
            else:
                rows = 0
            share = rows / total
            if abs(share - fraction) > tolerance:
                yield self.finding(
                    f"{split_name} holds {share:.1%} of the rows ({rows:,}), against a "
                    f"fraction of {fraction:.1%} (tolerance {tolerance:.1%}).",
                    split=split_name,
                    n_rows=rows,
                    **split_file(context.frame, split_name),
                )
