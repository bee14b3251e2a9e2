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

    `labels` is a (rows x classes) bool `scipy.sparse.csr_array`, each row's classes
    sorted: its memory follows the labels present, so thousands of classes cost no
    more than their labels. Read it through its positives (`labels.indptr`,
    `labels.indices`, `splitguard.core.labels.cells`), never as a dense array.

    Groups are numbered in the sorted order of their names, so the numbering does not
    depend on the order of the rows.
    """

    table: pa.Table
    row_of_record: np.ndarray
    row_ids: np.ndarray
    groups: np.ndarray
    group_names: np.ndarray
    labels: Any  # scipy.sparse.csr_array of bool, (rows x classes)
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

    @property
    def n_rows(self) -> int:
        return int(self.labels.shape[0])

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
        from splitguard.core.labels import column_counts

        return column_counts(self.labels)

    @cached_property
    def group_label_counts(self) -> Any:
        """Positive rows per group and class: a (G, C) int32 `scipy.sparse.csr_array`,
        each group's classes sorted."""
        import scipy.sparse as sp

        from splitguard.core.labels import cells

        rows, columns = cells(self.labels)
        counts = sp.coo_array(
            (np.ones(rows.size, dtype=np.int32), (self.groups[rows], columns)),
            shape=(self.n_groups, self.n_classes),
        ).tocsr()
        counts.sum_duplicates()
        return counts

    @cached_property
    def positive_groups(self) -> np.ndarray:
        """Groups with at least one positive row, per class, (C,) int64."""
        counts = self.group_label_counts
        return np.bincount(counts.indices, minlength=self.n_classes).astype(np.int64)

    @cached_property
    def _rows_by_class(self) -> Any:
        """The labels as CSC: each class's positive rows, sorted, in one slice."""
        return self.labels.tocsc()

    def rows_of(self, label: int) -> np.ndarray:
        """The rows positive for class `label`, sorted (int64)."""
        by_class = self._rows_by_class
        rows: np.ndarray = by_class.indices[by_class.indptr[label] : by_class.indptr[label + 1]]
        return rows.astype(np.int64)

    def locate(self, table_row: int) -> tuple[str, int]:
        """The file and 1-based data row of a table row, for messages."""
        return locate(self.sources, table_row)
