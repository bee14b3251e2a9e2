"""Turn a label column (or columns) into a boolean matrix, for each label shape.

Work is done on the distinct cell values, not on every row: NIH's 112,120 label cells
hold 836 distinct strings, each parsed once into a row of a (values x classes) matrix;
the row matrix is then one fancy index, `value_matrix[codes]`.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from splitguard.core.errors import LabelValueError
from splitguard.core.io.arrow import int_values, string_array, valid_mask
from splitguard.core.wording import counted

if TYPE_CHECKING:
    import pyarrow as pa

# Names a table row in messages, as "file, row N"; supplied by the loader.
Locator = Callable[[int], str]

POSITIVE = frozenset({"1", "1.0", "true", "t", "yes", "y"})
NEGATIVE = frozenset({"0", "0.0", "-0.0", "false", "f", "no", "n"})
UNCERTAIN = frozenset({"-1", "-1.0"})
ALLOWED_WIDE = "1/0, true/false, 1.0/0.0, -1 (uncertain) or empty"


@dataclass(frozen=True, slots=True)
class Parsed:
    """A (table rows x classes) boolean matrix and its class names, in sorted order."""

    matrix: np.ndarray
    classes: tuple[str, ...]


def distinct(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[object]]:
    """Per-row codes into the distinct values (-1 for null), and those values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_null(column.type):
        # A CSV column with no value at all is read as type null; its dictionary would
        # have no entries, while every row must still code as null.
        return np.full(len(column), -1, dtype=np.int64), []
    encoded = pc.dictionary_encode(column)
    if hasattr(encoded, "combine_chunks"):
        encoded = encoded.combine_chunks()
    return int_values(encoded.indices), encoded.dictionary.to_pylist()


def _from_value_lists(codes: np.ndarray, per_value: Sequence[list[str]], column: str) -> Parsed:
    found = {name for names in per_value for name in names}
    _refuse_identifier(codes, per_value, len(found), column)
    classes = tuple(sorted(found))
    index = {name: i for i, name in enumerate(classes)}
    value_matrix = np.zeros((len(per_value) + 1, len(classes)), dtype=bool)  # last row: null
    for row, names in enumerate(per_value):
        value_matrix[row, [index[n] for n in names]] = True
    return Parsed(value_matrix[codes], classes)


# Separators whose presence in most cells suggests a --sep.
_SEPARATORS = ("|", ";", ",", "/", "\t")


def _refuse_identifier(
    codes: np.ndarray, per_value: Sequence[list[str]], n_classes: int, column: str
) -> None:
    """Refuse a label column that holds about one class a row: an id, not labels.

    Checked before the (rows x classes) matrix exists: an id column of 112,120 rows
    would make a 12.5 GB one.
    """
    rows = len(codes)
    if n_classes <= _class_bound(rows):
        return
    counts = np.bincount(codes[codes >= 0], minlength=len(per_value))
    per_cell = np.fromiter(map(len, per_value), dtype=np.int64, count=len(per_value))
    if _is_identifier(rows, n_classes, int(counts @ per_cell)):
        cells = [names[0] for names in per_value[:1000] if len(names) == 1]
        raise _identifier_error(column, n_classes, rows, cells)


def _class_bound(rows: int) -> int:
    return max(1000, rows // 2)


def _is_identifier(rows: int, n_classes: int, labels: int) -> bool:
    """About one class a row and about one label a row: what an id column holds.

    Real label sets stay far from this: a class needs rows to be learnt, and a tagging
    set with more classes than half its rows (extreme multi-label, such as 30,000
    tags over 20,000 documents) has many labels a row, which an id column never has.
    """
    return n_classes > _class_bound(rows) and labels <= 1.5 * rows


def _identifier_error(column: str, n_classes: int, rows: int, cells: list[str]) -> LabelValueError:
    message = (
        f"column {column!r} holds {n_classes:,} distinct labels in {rows:,} rows, about one "
        "class a row: that is an id, not labels. If it names each item (an image), pass it "
        f"as --id {column!r} and give the labels with --labels, --label-cols or --long."
    )
    for separator in _SEPARATORS:
        if cells and sum(separator in cell for cell in cells) > len(cells) / 2:
            message += (
                f" If each cell lists several labels, give their separator: --sep {separator!r}."
            )
            break
    return LabelValueError(message)


def _screen_identifier(
    column: pa.ChunkedArray, *, name: str, sep: str | None, none: frozenset[str]
) -> None:
    """The identifier check on the Arrow column, before any cell is parsed in Python.

    Refusing takes well under a second on 112,120 ids; a label column (few distinct
    cells) costs one `count_distinct`. List literals are checked once parsed.
    """
    import pyarrow.compute as pc

    rows = len(column)
    if pc.count_distinct(column).as_py() <= _class_bound(rows):
        return
    if pc.any(pc.starts_with(pc.utf8_ltrim_whitespace(column), "[")).as_py():
        return
    tokens = pc.list_flatten(pc.split_pattern(column, sep)) if sep else column
    tokens = pc.utf8_trim_whitespace(tokens.drop_null())
    tokens = tokens.filter(pc.invert(pc.is_in(tokens, string_array(["", *sorted(none)]))))
    n_classes = pc.count_distinct(tokens).as_py()
    if _is_identifier(rows, n_classes, len(tokens)):
        raise _identifier_error(name, n_classes, rows, tokens.slice(0, 1000).to_pylist())


def _clean(names: Sequence[object], none: frozenset[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if name is None or (isinstance(name, float) and name != name):
            continue  # null / NaN items of a list are no label, not a class "None"
        text = str(name).strip()
        if text and text not in none and text not in out:
            out.append(text)
    return out


def _first_row(codes: np.ndarray, code: int) -> int:
    return int(np.flatnonzero(codes == code)[0])


def parse_list_literal(text: str) -> list[object]:
    """A JSON or Python-literal list, parsed safely (never evaluated)."""
    try:
        value = json.loads(text)
    except ValueError:
        value = ast.literal_eval(text)
    if not isinstance(value, list | tuple):
        raise ValueError(f"a {type(value).__name__}, not a list")
    if any(isinstance(item, list | tuple | dict | set) for item in value):
        raise ValueError("a nested list")
    return list(value)


def bare_list_cells(codes: np.ndarray, values: Sequence[object]) -> np.ndarray:
    """Rows of a list-shaped column whose cell is not a list; empty when it is not list-shaped.

    A column is list-shaped when at least as many of its non-empty cells are list literals
    (`["Mass"]`) as are anything else: a bare `Mass` among them is a mistake, not a class.
    """
    # The extra last entry stands for code -1 (a missing cell): neither list nor bare.
    texts = [str(value).strip() for value in values]
    is_list = np.array([text.startswith("[") for text in texts] + [False])
    is_bare = np.array([bool(text) and not text.startswith("[") for text in texts] + [False])
    list_rows, bare_rows = is_list[codes], is_bare[codes]
    if not bare_rows.any() or list_rows.sum() < bare_rows.sum():
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(bare_rows)


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


def _blank_error(where: str, name: str, count: int) -> LabelValueError:
    return LabelValueError(
        f"{where}: column {name!r} is empty ({counted(count, 'row')} in all). Pass --blank "
        "negative to read an empty cell as no positive label, or fill the cells."
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
    _screen_identifier(column, name=name, sep=sep, none=none)
    codes, values = distinct(column)
    # A cell of white space only is as empty as a missing one.
    blank_values = [code for code, value in enumerate(values) if not str(value).strip()]
    if blank_values:
        codes = np.where(np.isin(codes, blank_values), -1, codes)
    if blank == "error" and (codes < 0).any():
        raise _blank_error(where(_first_row(codes, -1)), name, int((codes < 0).sum()))
    if strict:
        _refuse_bare_cells(codes, values, name, where)
    per_value: list[list[str]] = []
    for code, value in enumerate(values):
        text = str(value).strip()
        if text.startswith("["):
            try:
                per_value.append(_clean(parse_list_literal(text), none))
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
                raise LabelValueError(
                    f"{where(_first_row(codes, code))}: column {name!r} holds {text[:80]!r}, "
                    f"which looks like a list but does not parse ({exc}). Write each cell as "
                    'a JSON or Python list of names, such as ["Mass", "Nodule"].'
                ) from None
        elif sep:
            per_value.append(_clean(text.split(sep), none))
        else:
            per_value.append(_clean([text], none))
    return _from_value_lists(codes, per_value, name)


def list_labels(
    column: pa.ChunkedArray, *, name: str, none: frozenset[str], blank: str, where: Locator
) -> Parsed:
    """An Arrow list<string> column (as Parquet stores lists)."""
    import pyarrow.compute as pc

    array = column.combine_chunks()
    nulls = ~valid_mask(array)
    if blank == "error" and nulls.any():
        raise _blank_error(where(int(np.flatnonzero(nulls)[0])), name, int(nulls.sum()))
    parents = int_values(pc.list_parent_indices(array))
    codes, values = distinct(pc.list_flatten(array))
    per_value = [_clean([v], none) for v in values]
    flat = _from_value_lists(codes, per_value, name)
    matrix = np.zeros((len(array), len(flat.classes)), dtype=bool)
    hit_rows, hit_cols = np.nonzero(flat.matrix)
    matrix[parents[hit_rows], hit_cols] = True
    return Parsed(matrix, flat.classes)


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
    matrix = np.zeros((table.num_rows, len(columns)), dtype=bool)
    for j, column in enumerate(columns):
        codes, values = distinct(table.column(column))
        values = _wide_numbers(values)
        value_flags = np.zeros(len(values) + 1, dtype=bool)
        for code, value in enumerate(values):

            def locate(value_code: int = code, row_codes: np.ndarray = codes) -> str:
                return where(_first_row(row_codes, value_code))

            value_flags[code] = _wide_value(value, column, uncertain, strict, locate)
        if (codes < 0).any() or any(_is_nan(v) for v in values):
            blanks = (codes < 0) | np.isin(codes, [i for i, v in enumerate(values) if _is_nan(v)])
            if blank == "error" and strict:
                raise _blank_error(where(int(np.flatnonzero(blanks)[0])), column, int(blanks.sum()))
        matrix[:, j] = value_flags[codes]
    order = np.argsort(np.array([c.strip() for c in columns], dtype=object), kind="stable")
    return Parsed(matrix[:, order], tuple(columns[i].strip() for i in order))


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
