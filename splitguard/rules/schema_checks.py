"""The table schema, validated by pandera, behind a cheap Arrow screen.

Each column check is declared once (`ColumnCheck`). Arrow screens every check in
microseconds; the checks the screen cannot clear are validated by a pandera schema
built for just those columns (`lazy=True`), and pandera's failure cases become the
findings. Importing pandera and pandas costs about 1 s, more than the whole run on a
clean table, so a table that Arrow proves clean never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.core.arrays import sorted_unique
from splitguard.core.io.arrow import string_array
from splitguard.core.shapes.registry import frame_shape

if TYPE_CHECKING:
    import pyarrow as pa

    from splitguard.core.aggregate import Aggregates
    from splitguard.core.frame import LabelFrame
    from splitguard.core.shapes.base import CellCheck

SPLIT_COLUMN = "__split__"


@dataclass(frozen=True, slots=True)
class ColumnCheck:
    """One check on one column; `kind` is duplicate-id, null-id, null-group or bad-label.

    A bad-label check carries what its label shape allows in the cells (`cells`).
    """

    kind: str
    column: str
    cells: CellCheck | None = None


def planned_checks(frame: LabelFrame) -> list[ColumnCheck]:
    spec = frame.spec
    shape = frame_shape(frame)
    checks: list[ColumnCheck] = []
    if spec.id:
        checks.append(ColumnCheck("null-id", spec.id))
        if shape.one_row_per_item:  # a row per label repeats an item's id by design
            checks.append(ColumnCheck("duplicate-id", spec.id))
    checks.extend(ColumnCheck("null-group", column) for column in spec.group)
    checks.extend(ColumnCheck("bad-label", c.column, c) for c in shape.cell_checks(frame))
    return checks


def checked_values(column: pa.ChunkedArray, cells: CellCheck) -> pa.ChunkedArray:
    """The values a bad-label check validates: the cells as its shape reads them."""
    return cells.values(column) if cells.values is not None else column


def may_fail(aggregates: Aggregates, check: ColumnCheck) -> bool:
    """False when Arrow proves the check passes; True when pandera must look."""
    import pyarrow.compute as pc

    frame = aggregates.frame
    column = frame.table.column(check.column)
    if check.kind in ("null-id", "null-group"):
        return bool(column.null_count > 0)
    if check.kind == "duplicate-id":
        _, values = aggregates.encoded(check.column)
        return bool(len(values) != len(column) - column.null_count)
    assert check.cells is not None
    values = checked_values(column, check.cells)
    if not check.cells.nullable and values.null_count > 0:
        return True
    if check.cells.allowed is None:
        return False
    allowed = string_array(sorted(check.cells.allowed))
    return bool(pc.sum(pc.invert(pc.is_in(values, value_set=allowed))).as_py() or 0)


def validate(aggregates: Aggregates) -> dict[ColumnCheck, np.ndarray]:
    """Failing table rows per planned check, from pandera's failure cases (lazy validation)."""
    frame = aggregates.frame
    suspects = [check for check in planned_checks(frame) if may_fail(aggregates, check)]
    if not suspects:
        return {}
    import pandera.pandas as pa

    data, schema = _schema(frame, suspects, pa)
    try:
        schema.validate(data, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _failures(errors.failure_cases, suspects, data)
    return {}


def _schema(frame: LabelFrame, checks: list[ColumnCheck], pa: Any) -> tuple[Any, Any]:
    import pandas as pd

    table = frame.table
    data = pd.DataFrame(index=pd.RangeIndex(table.num_rows))
    columns: dict[str, Any] = {}
    unique: list[str] | None = None
    for check in checks:
        name = check.column
        if check.cells is not None:
            cells = check.cells
            data[name] = checked_values(table.column(name), cells).to_pandas()
            isin = []
            if cells.allowed is not None:
                isin.append(pa.Check.isin(sorted(cells.allowed), ignore_na=True))
            columns[name] = pa.Column(None, isin, nullable=cells.nullable)
            continue
        data[name] = table.column(name).to_pandas()
        if check.kind == "duplicate-id":
            data[SPLIT_COLUMN] = _record_splits(frame)
            columns.setdefault(name, pa.Column(None, nullable=True))
            unique = [name, SPLIT_COLUMN]
        else:
            columns[name] = pa.Column(None, nullable=False)
    return data, pa.DataFrameSchema(columns, unique=unique)


def _record_splits(frame: LabelFrame) -> np.ndarray:
    if frame.splits is None:
        return np.zeros(frame.table.num_rows, dtype=np.int64)
    splits: np.ndarray = frame.splits[frame.row_of_record]
    return splits.astype(np.int64)


def _failures(cases: Any, checks: list[ColumnCheck], data: Any) -> dict[ColumnCheck, np.ndarray]:
    found: dict[ColumnCheck, np.ndarray] = {}
    for check in checks:
        at_column = cases[cases["column"] == check.column]
        if check.kind == "duplicate-id":
            at_column = at_column[at_column["check"] == "multiple_fields_uniqueness"]
        elif check.kind in ("null-id", "null-group"):
            at_column = at_column[at_column["check"] == "not_nullable"]
        rows = sorted_unique(at_column["index"].dropna().astype(np.int64).to_numpy())
        if check.kind == "duplicate-id":
            rows = rows[data[check.column].iloc[rows].notna().to_numpy()]
        if len(rows):
            found[check] = rows
    return found
