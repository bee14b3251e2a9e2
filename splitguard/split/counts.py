"""Positive rows per group and class, sparse: only the (group, class) cells with a positive.

A tagging table with thousands of classes has a few labels per row, so the groups x
classes matrix is almost all zeros; the splitter keeps only its nonzero cells, indexed
both by group (CSR: ``indptr``, ``classes``, ``values``) and by class (the carriers of
each class, in group order). Everything here costs O(nnz + G + C), never O(G * C).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.core.arrays import spans
from splitguard.core.labels import LabelRows

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Groups = npt.NDArray[np.integer[Any]]


@dataclass(frozen=True, eq=False)
class GroupCounts:
    """Nonzero positive-row counts of a (G, C) matrix, by group.

    The cells of group ``g`` are ``classes[indptr[g]:indptr[g + 1]]`` (ascending) with
    their positive rows in ``values`` (all >= 1).
    """

    indptr: IntArray
    classes: IntArray
    values: npt.NDArray[np.int32]
    n_classes: int

    @property
    def n_groups(self) -> int:
        return int(self.indptr.size - 1)

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_groups, self.n_classes

    @property
    def nnz(self) -> int:
        return int(self.values.size)

    @cached_property
    def owner(self) -> IntArray:
        """The group of every cell."""
        return np.repeat(np.arange(self.n_groups), np.diff(self.indptr))

    @cached_property
    def totals(self) -> IntArray:
        """Positive rows per class, (C,)."""
        return np.bincount(self.classes, weights=self.values, minlength=self.n_classes).astype(
            np.int64
        )

    @cached_property
    def carrier_counts(self) -> IntArray:
        """Groups with a positive row, per class, (C,)."""
        return np.bincount(self.classes, minlength=self.n_classes).astype(np.int64)

    @cached_property
    def group_positives(self) -> IntArray:
        """Positive rows (summed over classes) per group, (G,)."""
        return np.bincount(self.owner, weights=self.values, minlength=self.n_groups).astype(
            np.int64
        )

    @cached_property
    def labelled(self) -> npt.NDArray[np.bool_]:
        """Groups with at least one positive row."""
        return np.asarray(np.diff(self.indptr) > 0)

    @cached_property
    def _by_class(self) -> tuple[IntArray, IntArray, npt.NDArray[np.int32]]:
        # A stable sort keeps each class's carriers in group order.
        order = np.argsort(self.classes, kind="stable")
        starts = np.searchsorted(self.classes[order], np.arange(self.n_classes + 1))
        return starts.astype(np.int64), self.owner[order], self.values[order]

    def carriers_of(self, class_index: int) -> IntArray:
        """Groups with at least one positive row of the class, in group order."""
        starts, carriers, _ = self._by_class
        return carriers[starts[class_index] : starts[class_index + 1]]

    def column(self, groups: Groups, class_index: int) -> npt.NDArray[np.int32]:
        """Positive rows of the class in each of ``groups`` (0 where none)."""
        starts, carriers, values = self._by_class
        start, stop = starts[class_index], starts[class_index + 1]
        found = np.searchsorted(carriers[start:stop], groups)
        inside = np.minimum(found, max(stop - start - 1, 0))
        hit = (found < stop - start) & (carriers[start:stop][inside] == groups)
        return np.where(hit, values[start:stop][inside], 0).astype(np.int32)

    def entries(self, groups: Groups) -> tuple[IntArray, IntArray]:
        """For every cell of ``groups``: its position in ``groups`` and in the cell arrays."""
        groups = np.asarray(groups)
        starts = self.indptr[groups]
        return spans(starts, self.indptr[groups + 1] - starts)

    def permuted(self, order: IntArray) -> GroupCounts:
        """The counts with columns renumbered to ``order`` (new column -> old column)."""
        rank = np.empty(self.n_classes, dtype=np.int64)
        rank[order] = np.arange(order.size)
        classes = rank[self.classes]
        # Sort each group's cells by their new class; groups stay in place. The key
        # (group, class) is unique per cell, so one integer sort gives lexsort's order.
        within = np.argsort(self.owner * max(self.n_classes, 1) + classes)
        return GroupCounts(self.indptr, classes[within], self.values[within], self.n_classes)

    def toarray(self) -> npt.NDArray[np.int32]:
        """The dense (G, C) matrix: for small tables and tests only."""
        dense = np.zeros(self.shape, dtype=np.int32)
        dense[self.owner, self.classes] = self.values
        return dense


def from_cells(
    groups: IntArray,
    classes: IntArray,
    values: npt.NDArray[np.integer[Any]],
    shape: tuple[int, int],
) -> GroupCounts:
    """Counts from (group, class, value) cells; repeated cells add up, zero cells drop."""
    n_groups, n_classes = shape
    keep = values != 0
    code = groups[keep].astype(np.int64) * max(n_classes, 1) + classes[keep]
    cells, inverse = np.unique(code, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=values[keep], minlength=cells.size)
    nonzero = summed != 0
    group, column = np.divmod(cells[nonzero], max(n_classes, 1))
    indptr = np.searchsorted(group, np.arange(n_groups + 1)).astype(np.int64)
    return GroupCounts(indptr, column.astype(np.int64), summed[nonzero].astype(np.int32), n_classes)


def from_rows(labels: Any, group_index: npt.ArrayLike, n_groups: int) -> GroupCounts:
    """Positive rows per group and class of row labels (N, C).

    ``labels`` is a `LabelRows`, a dense 0/1 or bool array, or a scipy.sparse matrix (CSR
    preferred): a nonzero entry is a positive. No dense (N, C) or (G, C) array is made.
    """
    where = np.asarray(group_index).astype(np.int64, copy=False).ravel()
    rows, columns = label_cells(labels)
    n_classes = int(labels.shape[1])
    return from_cells(
        where[rows], columns, np.ones(rows.size, dtype=np.int32), (n_groups, n_classes)
    )


def label_cells(labels: Any) -> tuple[IntArray, IntArray]:
    """Row and column of every positive of row labels, ordered by row then column.

    ``labels`` is a `LabelRows` (read with numpy only: importing scipy.sparse costs the
    command line about 0.15 s), a scipy.sparse matrix or a dense array.
    """
    if isinstance(labels, LabelRows):
        return labels.cells()
    import scipy.sparse as sp

    if sp.issparse(labels):
        matrix = sp.csr_matrix(labels)
        matrix.sum_duplicates()
        positive = matrix.data != 0
        rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
        return rows[positive], matrix.indices[positive].astype(np.int64)
    rows, columns = np.nonzero(np.asarray(labels))
    return rows.astype(np.int64, copy=False), columns.astype(np.int64, copy=False)
