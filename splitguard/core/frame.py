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
    """Row ids, group keys, a boolean label matrix and splits over the untouched input.

    A row of the frame is a labelled item (an image). For the long shape, several
    table rows (annotations) make one frame row: `row_of_record` maps each table row
    to its frame row; for the other shapes it is the identity.

    Groups are numbered in the sorted order of their names, so the numbering does not
    depend on the order of the rows.
    """

    table: pa.Table
    row_of_record: np.ndarray
    row_ids: np.ndarray
    groups: np.ndarray
    group_names: np.ndarray
    labels: np.ndarray
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
        counts: np.ndarray = self.labels.sum(axis=0, dtype=np.int64)
        return counts

    @cached_property
    def group_label_counts(self) -> np.ndarray:
        """Positive rows per group and class, (G, C) int32."""
        rows, cols = np.nonzero(self.labels)
        flat = self.groups[rows] * self.n_classes + cols
        counts = np.bincount(flat, minlength=self.n_groups * self.n_classes)
        return counts.astype(np.int32).reshape(self.n_groups, self.n_classes)

    def locate(self, table_row: int) -> tuple[str, int]:
        """The file and 1-based data row of a table row, for messages."""
        return locate(self.sources, table_row)
