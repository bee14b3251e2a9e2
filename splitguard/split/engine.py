"""The engine boundary: counts in, assignment out.

An engine reads the rows and counts them per group; the assignment needs only these
counts (`GroupTable`): the groups keyed and numbered by their sorted names, their sizes,
the sparse group x class positive counts, the label pairs worth balancing, and how many
labels rows carry. The in-memory engine builds the table from a `LabelFrame`
(`GroupTable.of_frame`), the Spark engine with Spark SQL (`splitguard.spark.counts`);
both hand it to `assign`, so the same input, options and seed give the same assignment
whatever the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from splitguard.core.shortfalls import SplitTotals
from splitguard.split.counts import GroupCounts
from splitguard.split.pairs import PairCounts

if TYPE_CHECKING:
    from splitguard.core.frame import LabelFrame

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class GroupTable:
    """Everything the assignment reads of a table, per group; no row-level array.

    ``group_names`` (G,) are sorted (the numbering of `LabelFrame.group_names`);
    ``counts`` the (G, C) positive rows per group and class; ``pairs`` the rows positive
    for both classes of the label pairs worth balancing (`label_pairs`), per group;
    ``labels_per_row[k]`` the rows carrying ``k`` labels. Memory: O(G + Z + P + C) for
    G groups, Z nonzero (group, class) cells and P nonzero (group, pair) cells.
    """

    group_names: npt.NDArray[np.object_]
    group_sizes: IntArray
    counts: GroupCounts
    pairs: PairCounts
    classes: tuple[str, ...]
    labels_per_row: IntArray

    @classmethod
    def of_frame(cls, frame: LabelFrame) -> GroupTable:
        """The counts of an in-memory frame, read from its `LabelRows` with numpy only."""
        from splitguard.split.counts import from_rows
        from splitguard.split.pairs import label_pairs

        per_row = frame.label_rows.per_row()
        return cls(
            group_names=frame.group_names,
            group_sizes=np.asarray(frame.group_sizes, dtype=np.int64),
            counts=from_rows(frame.label_rows, frame.groups, frame.n_groups),
            pairs=label_pairs(frame.label_rows, frame.groups, frame.n_groups),
            classes=tuple(frame.classes),
            labels_per_row=np.bincount(per_row, minlength=1).astype(np.int64),
        )

    @property
    def n_groups(self) -> int:
        return int(self.group_sizes.size)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @cached_property
    def n_rows(self) -> int:
        return int(self.group_sizes.sum())

    @cached_property
    def positives(self) -> IntArray:
        """Positive rows per class, (C,)."""
        return self.counts.totals

    @cached_property
    def positive_groups(self) -> IntArray:
        """Groups with a positive row, per class, (C,)."""
        return self.counts.carrier_counts

    def split_totals(self, group_split: npt.ArrayLike, split_names: Sequence[str]) -> SplitTotals:
        """Rows, positive rows and positive groups per split (and class) of an assignment
        (`group_split`: a split index per group), from the counts alone."""
        return split_totals(self.counts, self.group_sizes, self.classes, group_split, split_names)


def split_totals(
    counts: GroupCounts,
    group_sizes: npt.ArrayLike,
    classes: tuple[str, ...],
    group_split: npt.ArrayLike,
    split_names: Sequence[str],
) -> SplitTotals:
    """Rows, positive rows and positive groups per split (and class) of an assignment
    of groups with these (G, C) `counts` and sizes, each group whole in one split."""
    where = np.asarray(group_split, dtype=np.int64)
    n_splits, n_classes = len(split_names), len(classes)
    cell_split = where[counts.owner] * n_classes + counts.classes
    shape = (n_splits, n_classes)
    positives = np.bincount(cell_split, weights=counts.values, minlength=n_splits * n_classes)
    carriers = np.bincount(cell_split, minlength=n_splits * n_classes)
    return SplitTotals(
        classes=classes,
        split_names=tuple(split_names),
        positives=counts.totals,
        positive_groups=counts.carrier_counts,
        rows_by_split=np.bincount(where, weights=group_sizes, minlength=n_splits).astype(np.int64),
        positives_by_split=positives.astype(np.int64).reshape(shape),
        positive_groups_by_split=carriers.astype(np.int64).reshape(shape),
    )
