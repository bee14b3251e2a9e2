"""Wide labels: one 0/1 column per class (--label-cols A,B,C or 'glob:PATTERN').

A cell says yes or no as 1/0, true/false, yes/no or 1.0/0.0; -1 (uncertain) and empty
cells follow `--uncertain` and `--blank`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from splitguard.core.errors import ColumnError, LabelValueError, OptionError
from splitguard.core.io.arrow import string_array
from splitguard.core.labels import (
    LabelRows,
    Locator,
    Parsed,
    blank_error,
    csr,
    distinct,
    first_row,
)
from splitguard.core.shapes.base import CellCheck, LabelShape

if TYPE_CHECKING:
    import pyarrow as pa

    from splitguard.core.frame import LabelFrame
    from splitguard.core.spec import LabelSpec

POSITIVE = frozenset({"1", "1.0", "true", "t", "yes", "y"})
NEGATIVE = frozenset({"0", "0.0", "-0.0", "false", "f", "no", "n"})
UNCERTAIN = frozenset({"-1", "-1.0"})
ALLOWED_WIDE = "1/0, true/false, 1.0/0.0, -1 (uncertain) or empty"
BLANKS = frozenset({"", "nan"})


class WideShape(LabelShape):
    """Wide labels: one column per class, each cell yes or no (--label-cols)."""

    name: ClassVar[str] = "wide"
    option: ClassVar[str] = "label-cols"

    def claims(self, spec: LabelSpec, table: pa.Table | None) -> bool:
        return bool(spec.label_cols)

    def label_column(self, spec: LabelSpec) -> str | None:
        return None

    def check_spec(self, spec: LabelSpec) -> None:
        super().check_spec(spec)
        if spec.none:
            raise OptionError(
                f"--none {spec.none[0]!r} applies to --labels and --long; wide labels "
                "(--label-cols) have no such value. Leave that column out of --label-cols "
                "instead."
            )

    def parse(self, table: pa.Table, spec: LabelSpec, *, strict: bool, where: Locator) -> Parsed:
        return wide_labels(
            table,
            label_columns(table, spec),
            uncertain=spec.uncertain,
            blank=spec.blank,
            strict=strict,
            where=where,
        )

    def cell_checks(self, frame: LabelFrame) -> list[CellCheck]:
        allowed = allowed_values(frame.spec.uncertain)
        nullable = frame.spec.blank != "error"
        return [
            CellCheck(column, nullable=nullable, allowed=allowed, values=normalised)
            for column in self.flag_columns(frame)
        ]

    def flag_columns(self, frame: LabelFrame) -> list[str]:
        present = set(frame.table.column_names)
        return [c for c in frame.classes if c in present]

    def absent_class_columns(self, frame: LabelFrame) -> list[str]:
        present = frame.table.column_names
        return [label for label in frame.declared_classes or () if label not in present]

    def none_fix(self, label: str) -> str:
        return f"leave {label!r} out of --label-cols"


def label_columns(table: pa.Table, spec: LabelSpec) -> list[str]:
    """The columns --label-cols names, each glob expanded over the table's columns (but
    never to an id, split, label or group column)."""
    reserved = set(spec.named_columns)
    columns: list[str] = []
    for item in spec.label_cols:
        if item.startswith("glob:"):
            pattern = item.removeprefix("glob:")
            matched = [
                c
                for c in table.column_names
                if fnmatch.fnmatchcase(c, pattern) and c not in reserved
            ]
            if not matched:
                raise OptionError(
                    f"--label-cols {item!r} matches no column; the table has "
                    f"{', '.join(repr(c) for c in table.column_names[:30])}."
                )
            duplicated = [c for c in matched if table.column_names.count(c) > 1]
            if duplicated:
                raise ColumnError(
                    f"--label-cols {item!r} matches column {duplicated[0]!r}, which the table "
                    "names more than once. Give each column a distinct name."
                )
            columns.extend(c for c in matched if c not in columns)
        elif item not in columns:
            columns.append(item)
    return columns


def allowed_values(uncertain: str) -> frozenset[str]:
    """Wide label values the policies allow, lower-cased ("1", "false", "-1", ...)."""
    allowed = set(POSITIVE | NEGATIVE)
    if uncertain != "error":
        allowed |= UNCERTAIN
    return frozenset(allowed)


def normalised(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Wide label values as trimmed lower-case strings; blanks and NaN as null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = wide_cells(column)
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = pc.cast(column, pa.string())
    text = pc.utf8_lower(pc.utf8_trim_whitespace(column))
    blank = pc.is_in(text, value_set=string_array(sorted(BLANKS)))
    return pc.if_else(blank, pa.scalar(None, pa.string()), text)


def wide_labels(
    table: pa.Table,
    columns: Sequence[str],
    *,
    uncertain: str,
    blank: str,
    strict: bool,
    where: Locator,
) -> Parsed:
    """One 0/1 column per class; -1 and empty cells follow the `uncertain`/`blank` policies.

    With `strict=False` a value outside the allowed set reads as negative (the schema
    rules report it); with `strict=True` it is an error.
    """
    # Positive rows per column, turned into rows' classes at the end (no rows x classes
    # array).
    positive_rows: list[np.ndarray] = []
    for column in columns:
        codes, values = distinct(table.column(column))
        values = _wide_numbers(values)
        value_flags = np.zeros(len(values) + 1, dtype=bool)
        for code, value in enumerate(values):

            def locate(value_code: int = code, row_codes: np.ndarray = codes) -> str:
                return where(first_row(row_codes, value_code))

            value_flags[code] = _wide_value(value, column, uncertain, strict, locate)
        if (codes < 0).any() or any(_is_nan(v) for v in values):
            blanks = (codes < 0) | np.isin(codes, [i for i, v in enumerate(values) if _is_nan(v)])
            if blank == "error" and strict:
                raise blank_error(where(int(np.flatnonzero(blanks)[0])), column, int(blanks.sum()))
        positive_rows.append(np.flatnonzero(value_flags[codes]))
    order = np.argsort(np.array([c.strip() for c in columns], dtype=object), kind="stable")
    return Parsed(
        by_column([positive_rows[i] for i in order], table.num_rows),
        tuple(columns[i].strip() for i in order),
    )


def by_column(positive_rows: Sequence[np.ndarray], n_rows: int) -> LabelRows:
    """The labels whose column j is positive at the sorted rows `positive_rows[j]`."""
    per_row = np.zeros(n_rows, dtype=np.int64)
    for rows in positive_rows:
        per_row[rows] += 1
    indptr = np.concatenate([[0], np.cumsum(per_row)])
    indices = np.empty(int(indptr[-1]), dtype=np.int64)
    # Column by column, each row's next free slot: the columns land sorted in each row,
    # in one pass over the labels (no sort).
    filled = indptr[:-1].copy()
    for column, rows in enumerate(positive_rows):
        indices[filled[rows]] = column
        filled[rows] += 1
    return csr(indptr, indices, (n_rows, len(positive_rows)))


# A number as a CSV reader infers one: decimal ASCII digits, a sign, a point, an
# exponent, or NaN. Hexadecimal and white space are text.
_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$|^[+-]?(nan|NaN|NAN)$"
_INTEGER = re.compile(r"[+-]?[0-9]+")


def wide_cells(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A wide label column, its text cells read as numbers when every cell is one.

    CSV cells arrive as text; a column of numbers only (`1.00`, `+1`, `01`, `nan`) reads
    as those numbers, as a reader that infers types read it, so `1.00` is positive. A
    column with any other text stays text, each cell read by name (`true`, `yes`).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        return column
    if column.null_count == len(column):
        return column
    # On the distinct cells (a handful in a label column), not on every row.
    if not pc.all(pc.match_substring_regex(pc.unique(column), _NUMBER)).as_py():
        return column
    for number in (pa.int64(), pa.float64()):
        try:
            return pc.cast(column, number)
        except pa.ArrowInvalid:
            continue
    return column


def _wide_numbers(values: list[object]) -> list[object]:
    """`wide_cells` on a column's distinct values: all numbers as text become numbers."""
    texts = [v for v in values if isinstance(v, str) and re.fullmatch(_NUMBER, v)]
    if not values or len(texts) < len(values):
        return values
    return [int(v) if _INTEGER.fullmatch(v) else float(v) for v in texts]


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and value != value


def _wide_value(
    value: object, column: str, uncertain: str, strict: bool, where: Callable[[], str]
) -> bool:
    if _is_nan(value):
        return False
    text = str(value).strip().lower()
    if text in POSITIVE:
        return True
    if text in NEGATIVE or text == "":
        return False
    if text in UNCERTAIN:
        if uncertain == "error" and strict:
            raise LabelValueError(
                f"{where()}: column {column!r} holds {value!r}, an uncertain label. "
                "Pass --uncertain negative or --uncertain positive to say how to read it."
            )
        return uncertain == "positive"
    if strict:
        raise LabelValueError(
            f"{where()}: column {column!r} holds {value!r}, not a label value. "
            f"Allowed: {ALLOWED_WIDE}. Fix the cell, or leave the column out of --label-cols."
        )
    return False
