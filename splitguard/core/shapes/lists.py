"""List labels: an Arrow `list<string>` column (as Parquet stores lists), --labels COL.

A text column of list literals (`["Mass", "Nodule"]`, as a CSV writes lists) is the
same shape written as text: it reads as the delimited shape reads list literals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from splitguard.core.io.arrow import int_values, valid_mask
from splitguard.core.labels import (
    Locator,
    Parsed,
    blank_error,
    clean_names,
    distinct,
    from_cells,
    from_value_lists,
)
from splitguard.core.shapes.base import LabelShape
from splitguard.core.shapes.delimited import is_list_column, read_text

if TYPE_CHECKING:
    import pyarrow as pa

    from splitguard.core.spec import LabelSpec


class ListShape(LabelShape):
    """List labels: the classes of a row as a list in one cell (--labels)."""

    name: ClassVar[str] = "list"
    option: ClassVar[str] = "labels"

    def claims(self, spec: LabelSpec, table: pa.Table | None) -> bool:
        if not spec.labels:
            return False
        return table is None or is_list_column(table.column(spec.labels))

    def parse(self, table: pa.Table, spec: LabelSpec, *, strict: bool, where: Locator) -> Parsed:
        assert spec.labels is not None
        return read_cells(table.column(spec.labels), spec.labels, spec, strict=strict, where=where)


def read_cells(
    column: pa.ChunkedArray, name: str, spec: LabelSpec, *, strict: bool, where: Locator
) -> Parsed:
    """A label column of lists, or of text cells (delimited, or list literals)."""
    if not is_list_column(column):
        return read_text(column, name, spec, strict=strict, where=where)
    blank = spec.blank if strict else "negative"
    none = frozenset(n.strip() for n in spec.none)
    return list_labels(column, name=name, none=none, blank=blank, where=where)


def list_labels(
    column: pa.ChunkedArray, *, name: str, none: frozenset[str], blank: str, where: Locator
) -> Parsed:
    """An Arrow list<string> column (as Parquet stores lists)."""
    import pyarrow.compute as pc

    array = column.combine_chunks()
    nulls = ~valid_mask(array)
    if blank == "error" and nulls.any():
        raise blank_error(where(int(np.flatnonzero(nulls)[0])), name, int(nulls.sum()))
    parents = int_values(pc.list_parent_indices(array))
    codes, values = distinct(pc.list_flatten(array))
    per_value = [clean_names([v], none) for v in values]
    flat = from_value_lists(codes, per_value, name)
    # Each list item names at most one class: its (row, class) cells, merged per row.
    items, columns = flat.matrix.cells()
    return Parsed(
        from_cells(parents[items], columns, (len(array), len(flat.classes))), flat.classes
    )
