"""Long labels: one row per (item, label), --long COL with --id COL naming the item.

The rows of an item (those sharing its id, and its split) make one item with every
label of its rows. A cell reads as the list shape reads one: a label, several
delimited, or a list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from splitguard.core.shapes.base import LabelShape
from splitguard.core.shapes.lists import read_cells

if TYPE_CHECKING:
    import pyarrow as pa

    from splitguard.core.labels import Locator, Parsed
    from splitguard.core.spec import LabelSpec


class LongShape(LabelShape):
    """Long labels: a row per label, the rows of an item sharing its --id (--long)."""

    name: ClassVar[str] = "long"
    option: ClassVar[str] = "long"
    one_row_per_item: ClassVar[bool] = False

    def claims(self, spec: LabelSpec, table: pa.Table | None) -> bool:
        return bool(spec.long)

    def parse(self, table: pa.Table, spec: LabelSpec, *, strict: bool, where: Locator) -> Parsed:
        assert spec.long is not None
        return read_cells(table.column(spec.long), spec.long, spec, strict=strict, where=where)
