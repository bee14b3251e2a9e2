"""Delimited string labels: `Mass|Nodule` (--labels COL --sep "|"), one cell per row.

A cell may also be a JSON or Python list literal (`["Mass", "Nodule"]`), parsed safely,
never evaluated; `--none "No Finding"` names the value that means no label.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from splitguard.core.errors import LabelValueError
from splitguard.core.labels import (
    Locator,
    Parsed,
    bare_list_cells,
    blank_error,
    clean_names,
    distinct,
    first_row,
    from_value_lists,
    parse_list_literal,
    screen_identifier,
)
from splitguard.core.shapes.base import LabelShape

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pyarrow as pa

    from splitguard.core.spec import LabelSpec


def is_list_column(column: pa.ChunkedArray) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_list(column.type) or pa.types.is_large_list(column.type))


class DelimitedShape(LabelShape):
    """Delimited string labels: the classes of a row in one text cell (--labels, --sep)."""

    name: ClassVar[str] = "delimited"
    option: ClassVar[str] = "labels"

    def claims(self, spec: LabelSpec, table: pa.Table | None) -> bool:
        if not spec.labels:
            return False
        return table is None or not is_list_column(table.column(spec.labels))

    def parse(self, table: pa.Table, spec: LabelSpec, *, strict: bool, where: Locator) -> Parsed:
        assert spec.labels is not None
        column = table.column(spec.labels)
        if is_list_column(column):
            raise LabelValueError(
                f"column {spec.labels!r} holds lists, not text: read it as the list shape "
                "(--shape list, or no --shape)."
            )
        return read_text(column, spec.labels, spec, strict=strict, where=where)


def read_text(
    column: pa.ChunkedArray, name: str, spec: LabelSpec, *, strict: bool, where: Locator
) -> Parsed:
    """A label column of text cells (a number column reads as its text), by `spec`'s
    --sep, --none and --blank."""
    import pyarrow as pa

    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
    return string_labels(
        column,
        name=name,
        sep=spec.sep,
        none=frozenset(n.strip() for n in spec.none),
        blank=spec.blank if strict else "negative",
        where=where,
        strict=strict,
    )


def _refuse_bare_cells(
    codes: np.ndarray, values: Sequence[object], name: str, where: Locator
) -> None:
    bare = bare_list_cells(codes, values)
    if len(bare):
        cell = str(values[int(codes[bare[0]])]).strip()
        raise LabelValueError(
            f"{where(int(bare[0]))}: column {name!r} holds lists, but this cell is {cell[:80]!r}, "
            f"not a list ({len(bare):,} such rows in all). Write every cell as a list, such as "
            '["Mass"], or [] for no label.'
        )


def string_labels(
    column: pa.ChunkedArray,
    *,
    name: str,
    sep: str | None,
    none: frozenset[str],
    blank: str,
    where: Locator,
    strict: bool = True,
) -> Parsed:
    """A string column: delimited (`sep`), JSON / Python list literals, or one label a cell.

    With `strict=True` a bare cell in a column of lists is an error; otherwise it reads as
    a label of its own (the schema rules report it).
    """
    screen_identifier(column, name=name, sep=sep, none=none)
    codes, values = distinct(column)
    # A cell of white space only is as empty as a missing one.
    blank_values = [code for code, value in enumerate(values) if not str(value).strip()]
    if blank_values:
        codes = np.where(np.isin(codes, blank_values), -1, codes)
    if blank == "error" and (codes < 0).any():
        raise blank_error(where(first_row(codes, -1)), name, int((codes < 0).sum()))
    if strict:
        _refuse_bare_cells(codes, values, name, where)
    per_value: list[list[str]] = []
    for code, value in enumerate(values):
        text = str(value).strip()
        if text.startswith("["):
            try:
                per_value.append(clean_names(parse_list_literal(text), none))
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
                raise LabelValueError(
                    f"{where(first_row(codes, code))}: column {name!r} holds {text[:80]!r}, "
                    f"which looks like a list but does not parse ({exc}). Write each cell as "
                    'a JSON or Python list of names, such as ["Mass", "Nodule"].'
                ) from None
        elif sep:
            per_value.append(clean_names(text.split(sep), none))
        else:
            per_value.append(clean_names([text], none))
    return from_value_lists(codes, per_value, name)
