"""Counts every rule shares, computed once per run with numpy (no per-rule rescans).

Splits are numbered as in `LabelFrame.split_names`; a frame without splits counts as
one split. All arrays are int64 unless said otherwise. Every count is read from the
positive cells of the sparse labels: the cost follows the labels, rows and groups, and
no array is (rows x classes) or (groups x classes) dense.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from splitguard.core.arrays import sorted_unique
from splitguard.core.counts import LeakedGroups

if TYPE_CHECKING:
    from splitguard.core.frame import LabelFrame


@dataclass(frozen=True, eq=False)
class Aggregates:
    """Per-split sizes and per-split, per-class positive row and positive group counts."""

    frame: LabelFrame
    split_of_row: np.ndarray
    split_names: tuple[str, ...]
    _encoded: dict[str, tuple[np.ndarray, list[object]]] = field(default_factory=dict)

    @classmethod
    def of(cls, frame: LabelFrame) -> Aggregates:
        if frame.splits is None:
            return cls(frame, np.zeros(frame.n_rows, dtype=np.int64), ("all",))
        return cls(frame, frame.splits.astype(np.int64), frame.split_names)

    @property
    def n_splits(self) -> int:
        return len(self.split_names)

    @cached_property
    def rows_by_split(self) -> np.ndarray:
        """Rows per split, (S,)."""
        return np.bincount(self.split_of_row, minlength=self.n_splits).astype(np.int64)

    @cached_property
    def _positive_cells(self) -> tuple[np.ndarray, np.ndarray]:
        return self.frame.label_rows.cells()

    @cached_property
    def positives_by_split(self) -> np.ndarray:
        """Positive rows per split and class, (S, C)."""
        rows, cols = self._positive_cells
        n_classes = self.frame.n_classes
        flat = self.split_of_row[rows] * n_classes + cols
        counts = np.bincount(flat, minlength=self.n_splits * n_classes)
        return counts.astype(np.int64).reshape(self.n_splits, n_classes)

    @cached_property
    def positive_groups_by_split(self) -> np.ndarray:
        """Groups with at least one positive row, per split and class, (S, C)."""
        rows, cols = self._positive_cells
        frame = self.frame
        key = (self.split_of_row[rows] * frame.n_groups + frame.groups[rows]) * frame.n_classes
        cells = sorted_unique(key + cols)
        split_class = (cells // (frame.n_groups * frame.n_classes)) * frame.n_classes + (
            cells % frame.n_classes
        )
        counts = np.bincount(split_class, minlength=self.n_splits * frame.n_classes)
        return counts.astype(np.int64).reshape(self.n_splits, frame.n_classes)

    @cached_property
    def group_rows_by_split(self) -> np.ndarray:
        """Rows per group and split, (G, S): the group-to-splits map."""
        frame = self.frame
        flat = frame.groups * self.n_splits + self.split_of_row
        counts = np.bincount(flat, minlength=frame.n_groups * self.n_splits)
        return counts.astype(np.int64).reshape(frame.n_groups, self.n_splits)

    @cached_property
    def splits_per_group(self) -> np.ndarray:
        """How many splits each group has rows in, (G,)."""
        counts: np.ndarray = np.count_nonzero(self.group_rows_by_split, axis=1)
        return counts.astype(np.int64)

    @cached_property
    def positives(self) -> np.ndarray:
        """Positive rows per class over all splits, (C,)."""
        totals: np.ndarray = self.positives_by_split.sum(axis=0)
        return totals

    # The rest of `splitguard.core.counts.Counts`, which an engine's `TableCounts` gives too.
    @property
    def classes(self) -> tuple[str, ...]:
        return self.frame.classes

    @property
    def n_rows(self) -> int:
        return self.frame.n_rows

    @property
    def n_groups(self) -> int:
        return self.frame.n_groups

    # These two read the (G, C) counts with operations a scipy.sparse array has too.
    @cached_property
    def positive_groups(self) -> np.ndarray:
        """Groups with a positive row per class, (C,)."""
        return self.frame.positive_groups

    @cached_property
    def group_square_sums(self) -> np.ndarray:
        """Per class, the sum over groups of the square of the group's positive rows, (C,)."""
        # Over each class's positive groups only (the frame's sparse cells).
        _, label, counts = self.frame.group_cells
        values = counts.astype(np.int64)
        squares = np.bincount(label, weights=values * values, minlength=self.frame.n_classes)
        return squares.astype(np.int64)

    @cached_property
    def leaked_groups(self) -> LeakedGroups:
        """The groups with rows in more than one split (their rows are the frame's)."""
        leaked = self.splits_per_group > 1
        empty = np.empty((0, self.n_splits), dtype=object)
        return LeakedGroups(self.frame.group_names[leaked], self.group_rows_by_split[leaked], empty)

    def encoded(self, column: str) -> tuple[np.ndarray, list[object]]:
        """Codes per table row (-1 for null) into the distinct values of `column`."""
        if column not in self._encoded:
            from splitguard.core.labels import distinct

            self._encoded[column] = distinct(self.frame.table.column(column))
        return self._encoded[column]
