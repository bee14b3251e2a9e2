"""The parts of a report measured on a frame: split sizes, coverage, train floor, quality.

`model.split_report` puts them together; `check`'s report uses the first two on splits
it did not make.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from splitguard.core.aggregate import Aggregates
from splitguard.core.frame import LabelFrame
from splitguard.core.shortfalls import MinimumSpec, SplitTotals, Totals
from splitguard.report.model import (
    DEVIATION_MIN_POSITIVES,
    SIZE_BINS,
    CoverageEntry,
    Quality,
    RowsPerGroup,
    SplitEntry,
    TrainFloor,
)


def size_histogram(sizes: np.ndarray) -> dict[str, int]:
    """Groups per size bin (1, 2, 3-5, ..., 51+), for the sizes of groups in a split."""
    out: dict[str, int] = {}
    for label, low, high in SIZE_BINS:
        upper = np.inf if high is None else high
        out[label] = int(((sizes >= low) & (sizes <= upper)).sum())
    return out


def actual_shares(frame: LabelFrame) -> np.ndarray:
    """Each split's share of the rows, for splits that were not requested (`check`)."""
    rows = Aggregates.of(frame).rows_by_split
    shares: np.ndarray = rows / max(1, int(rows.sum()))
    return shares


def split_entries(
    frame: LabelFrame, shares: Sequence[float] | np.ndarray
) -> tuple[SplitEntry, ...]:
    """Rows, groups and group sizes of each split, against its share of the rows.

    A group in two splits counts in both, with its rows in each (the leak is reported
    by the rules).
    """
    rows_by_group = Aggregates.of(frame).group_rows_by_split
    sizes = [rows_by_group[:, s][rows_by_group[:, s] > 0] for s in range(len(frame.split_names))]
    return split_entries_of(sizes, frame.split_names, shares, frame.n_rows)


def split_entries_of(
    sizes_by_split: Sequence[np.ndarray],
    split_names: Sequence[str],
    shares: Sequence[float] | np.ndarray,
    n_rows: int,
) -> tuple[SplitEntry, ...]:
    """`split_entries` from the rows of each group in each split (one array per split)."""
    entries = []
    for s, name in enumerate(split_names):
        sizes = sizes_by_split[s]
        entries.append(
            SplitEntry(
                name=name,
                rows=int(sizes.sum()),
                target_rows=float(shares[s] * n_rows),
                fraction=float(shares[s]),
                groups=len(sizes),
                rows_per_group=RowsPerGroup(
                    smallest=int(sizes.min()) if len(sizes) else 0,
                    median=float(np.median(sizes)) if len(sizes) else 0.0,
                    largest=int(sizes.max()) if len(sizes) else 0,
                ),
                group_size_histogram=size_histogram(sizes),
            )
        )
    return tuple(entries)


def coverage_entries(
    frame: LabelFrame,
    shares: Sequence[float] | np.ndarray,
    minimums: MinimumSpec | Mapping[str, Sequence[int]] | None = None,
) -> tuple[CoverageEntry, ...]:
    """Positive rows and groups per class and split, against target and minimum.

    A `MinimumSpec` gives each class its own minimum (a percent of the class, a
    prevalence at the split's size, only the classes it aims at); a mapping of
    ``positives`` and ``positive_groups`` lists gives one per split.
    """
    aggregates = Aggregates.of(frame)
    return _coverage(
        frame,
        frame.split_names,
        frame.classes,
        aggregates.rows_by_split,
        (aggregates.positives_by_split, aggregates.positive_groups_by_split),
        shares,
        minimums,
    )


def coverage_entries_of(
    totals: SplitTotals,
    shares: Sequence[float] | np.ndarray,
    minimums: MinimumSpec | Mapping[str, Sequence[int]] | None = None,
) -> tuple[CoverageEntry, ...]:
    """`coverage_entries` from per-split totals (an engine's counts and assignment)."""
    return _coverage(
        totals,
        totals.split_names,
        totals.classes,
        totals.rows_by_split,
        (totals.positives_by_split, totals.positive_groups_by_split),
        shares,
        minimums,
    )


def _coverage(
    table: Totals,
    split_names: Sequence[str],
    classes: Sequence[str],
    rows_by_split: np.ndarray,
    reached: tuple[np.ndarray, np.ndarray],
    shares: Sequence[float] | np.ndarray,
    minimums: MinimumSpec | Mapping[str, Sequence[int]] | None,
) -> tuple[CoverageEntry, ...]:
    positives, positive_groups = reached
    minimum_rows, minimum_groups = _minimum_tables(
        table, split_names, classes, rows_by_split, minimums
    )
    return tuple(
        CoverageEntry(
            label=name,
            split=split,
            positives=int(positives[s, c]),
            positive_groups=int(positive_groups[s, c]),
            target=float(shares[s] * table.positives[c]),
            minimum=int(minimum_rows[s, c]),
            minimum_groups=int(minimum_groups[s, c]),
        )
        for c, name in enumerate(classes)
        for s, split in enumerate(split_names)
    )


def minimum_tables(
    frame: LabelFrame, minimums: MinimumSpec | Mapping[str, Sequence[int]] | None
) -> tuple[np.ndarray, np.ndarray]:
    """(S, C) positive rows and positive groups the minimums ask of each class and split."""
    rows = Aggregates.of(frame).rows_by_split if isinstance(minimums, MinimumSpec) else None
    return _minimum_tables(frame, frame.split_names, frame.classes, rows, minimums)


def _minimum_tables(
    table: Totals,
    split_names: Sequence[str],
    classes: Sequence[str],
    rows_by_split: np.ndarray | None,
    minimums: MinimumSpec | Mapping[str, Sequence[int]] | None,
) -> tuple[np.ndarray, np.ndarray]:
    from splitguard.core.shortfalls import asked

    shape = (len(split_names), len(classes))
    if isinstance(minimums, MinimumSpec):
        assert rows_by_split is not None
        wanted = asked(minimums, split_names, classes, table)
        at_size = np.ceil(wanted.prevalence * rows_by_split[:, None] - 1e-9)
        return np.maximum(wanted.positives, at_size), wanted.positive_groups
    minimums = minimums or {}
    zeros = [0] * shape[0]
    return (
        np.broadcast_to(np.asarray(minimums.get("positives", zeros))[:, None], shape),
        np.broadcast_to(np.asarray(minimums.get("positive_groups", zeros))[:, None], shape),
    )


def train_floor_entry(frame: LabelFrame, spec: MinimumSpec) -> TrainFloor | None:
    """The train floor and the smallest share of a class's positive rows train holds."""
    aggregates = Aggregates.of(frame)
    return train_floor_of(
        frame.split_names, frame.classes, frame.positives, aggregates.positives_by_split, spec
    )


def train_floor_of(
    split_names: Sequence[str],
    classes: Sequence[str],
    totals: np.ndarray,
    positives_by_split: np.ndarray,
    spec: MinimumSpec,
) -> TrainFloor | None:
    """`train_floor_entry` from the class totals and the positives per split, (S, C)."""
    from splitguard.core.shortfalls import train_index

    train = train_index(split_names)
    if train is None or not (totals > 0).any():
        return None
    held = positives_by_split[train] / np.maximum(totals, 1)
    lowest = int(np.argmin(np.where(totals > 0, held, np.inf)))
    return TrainFloor(
        train_split=split_names[train],
        train_floor=spec.train_floor,
        lowest_class=classes[lowest],
        lowest_share=float(held[lowest]),
    )


def quality(frame: LabelFrame, shares: np.ndarray) -> Quality:
    """LD, LPD, ED, the worst relative deviation from target and the leaked groups."""
    from splitguard.split.metrics import evaluate

    assert frame.splits is not None
    measured = evaluate(
        frame.label_rows,
        frame.splits,
        list(shares),
        groups=frame.groups,
        min_class_positives=DEVIATION_MIN_POSITIVES,
    )
    return Quality(
        label_distribution=measured.label_distribution,
        label_pair_distribution=measured.label_pair_distribution,
        example_distribution=measured.example_distribution,
        worst_relative_deviation=measured.worst_relative_deviation,
        leaked_groups=measured.leaked_groups,
    )


def quality_of(
    positives_by_split: np.ndarray,
    pairs_by_split: np.ndarray,
    rows_by_split: np.ndarray,
    shares: np.ndarray,
    *,
    leaked_groups: int,
) -> Quality:
    """`quality` from counts: positive rows per split and class (S, C), rows positive for
    both classes of every pair that occurs, per split (S, P), and rows per split (S,)."""
    from splitguard.split.metrics import deviation_of, ratio_gap, size_gap

    present = pairs_by_split.sum(axis=0) > 0
    return Quality(
        label_distribution=ratio_gap(positives_by_split, rows_by_split),
        label_pair_distribution=(
            ratio_gap(pairs_by_split[:, present], rows_by_split) if present.any() else 0.0
        ),
        example_distribution=size_gap(rows_by_split, shares),
        worst_relative_deviation=deviation_of(
            positives_by_split, shares, min_class_positives=DEVIATION_MIN_POSITIVES
        ),
        leaked_groups=leaked_groups,
    )
