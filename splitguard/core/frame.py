"""The label frame: the one in-memory form every input shape is read into."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

# The dtype of split indices (row and group splits): room for any number of splits a
# table can have. int8 overflowed past 127 splits into false leakage findings.
SPLIT_INDEX = np.int32

if TYPE_CHECKING:
    import pyarrow as pa

    from splitguard.core.labels import LabelRows
    from splitguard.core.spec import LabelSpec


@dataclass(frozen=True, slots=True)
class Source:
    """One input table, and the table rows it contributed.

    `path` is its file, or for a table given in memory (`data`: a pandas DataFrame or
    a pyarrow Table, kept as given for the rows the Python API returns) what messages
    call it.
    """

    path: str
    split: str | None
    start: int
    stop: int
    data: Any = field(default=None, compare=False, repr=False)

    @property
    def in_memory(self) -> bool:
        return self.data is not None


def locate(sources: Sequence[Source], table_row: int) -> tuple[str, int]:
    """The file and 1-based data row that a row of the concatenated table came from."""
    for source in sources:
        if source.start <= table_row < source.stop:
            return source.path, table_row - source.start + 1
    raise IndexError(table_row)


@dataclass(frozen=True, eq=False)
class LabelFrame:
    """Row ids, group keys, a sparse label matrix and splits over the untouched input.

    A row of the frame is a labelled item (an image). For the long shape, several
    table rows (annotations) make one frame row: `row_of_record` maps each table row
    to its frame row; for the other shapes it is the identity.

    `label_rows` holds the labels as CSR (`LabelRows`: row offsets and each row's sorted
    classes, numpy only); `labels` is the same (rows x classes) bool matrix as a
    scipy.sparse `csr_array`. Memory follows the labels present, so thousands of classes
    cost no more than their labels; neither is ever made dense.

    Groups are numbered in the sorted order of their names, so the numbering does not
    depend on the order of the rows.
    """

    table: pa.Table
    row_of_record: np.ndarray
    row_ids: np.ndarray
    groups: np.ndarray
    group_names: np.ndarray
    label_rows: LabelRows
    classes: tuple[str, ...]
    spec: LabelSpec
    sources: tuple[Source, ...]
    splits: np.ndarray | None = None
    split_names: tuple[str, ...] = ()
    has_ids: bool = True
    has_groups: bool = True
    declared_classes: tuple[str, ...] | None = None
    # Id and group columns as read, where `table` holds them with missing-key spellings
    # (`NaN`, `None`, ...) turned into nulls: the rules see nulls, the split files the cells.
    read_columns: Mapping[str, pa.ChunkedArray] = field(default_factory=dict)

    def table_as_read(self) -> pa.Table:
        """`table` with every cell as it was read (for the split files)."""
        table = self.table
        for name, column in self.read_columns.items():
            table = table.set_column(table.column_names.index(name), name, column)
        return table

    @cached_property
    def labels(self) -> Any:
        """The labels as a (rows x classes) bool `scipy.sparse.csr_array`."""
        return self.label_rows.tocsr()

    @property
    def n_rows(self) -> int:
        return int(self.label_rows.shape[0])

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def n_groups(self) -> int:
        return len(self.group_names)

    @cached_property
    def group_sizes(self) -> np.ndarray:
        """Rows per group, (G,) int64."""
        return np.bincount(self.groups, minlength=self.n_groups).astype(np.int64)

    @cached_property
    def positives(self) -> np.ndarray:
        """Positive rows per class, (C,) int64."""
        return self.label_rows.per_class()

    @cached_property
    def group_cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The nonzero cells of the (G, C) positive-row counts: group, class and count
        (int64), by group then class."""
        rows, columns = self.label_rows.cells()
        # A sort and a comparison (np.unique hashes first: several times slower on millions).
        keys = np.sort(self.groups[rows].astype(np.int64) * self.n_classes + columns)
        starts = (
            np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if keys.size else keys
        )
        counts = np.diff(np.append(starts, keys.size)).astype(np.int64)
        group, label = np.divmod(keys[starts], max(self.n_classes, 1))
        return group, label, counts

    @cached_property
    def group_label_counts(self) -> Any:
        """Positive rows per group and class: a (G, C) int32 `scipy.sparse.csr_array`."""
        import scipy.sparse as sp

        group, label, counts = self.group_cells
        return sp.csr_array(
            (counts.astype(np.int32), (group, label)), shape=(self.n_groups, self.n_classes)
        )

    @cached_property
    def positive_groups(self) -> np.ndarray:
        """Groups with at least one positive row, per class, (C,) int64."""
        _, label, _ = self.group_cells
        return np.bincount(label, minlength=self.n_classes).astype(np.int64)

    @cached_property
    def _rows_by_class(self) -> tuple[np.ndarray, np.ndarray]:
        return self.label_rows.by_class()

    def rows_of(self, label: int) -> np.ndarray:
        """The rows positive for class `label`, sorted (int64)."""
        indptr, rows = self._rows_by_class
        return rows[indptr[label] : indptr[label + 1]]

    def locate(self, table_row: int) -> tuple[str, int]:
        """The file and 1-based data row of a table row, for messages."""
        return locate(self.sources, table_row)
