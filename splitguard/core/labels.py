"""What the label shapes' parsers (core/shapes/) share: the result, distinct cells, names.

Labels are a CSR matrix (rows x classes, bool; `LabelRows`, two numpy arrays): a
tagging table of 1M rows and 5,000 classes holds 3M labels, a 3M-entry CSR, where a
dense matrix would take 5 GB. Nothing here makes a rows x classes dense array: cost
follows the labels present plus rows and classes.

Work is done on the distinct cell values, not on every row: NIH's 112,120 label cells
hold 836 distinct strings, each parsed once into a row of a (values x classes) CSR;
the row matrix is then one row gather, `value_matrix[codes]`.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.core.arrays import sorted_unique
from splitguard.core.errors import LabelValueError
from splitguard.core.io.arrow import int_values, string_array
from splitguard.core.wording import counted

if TYPE_CHECKING:
    import pyarrow as pa

# Names a table row in messages, as "file, row N"; supplied by the loader.
Locator = Callable[[int], str]


@dataclass(frozen=True, slots=True, eq=False)
class LabelRows:
    """A (rows x classes) bool matrix in CSR form, as two numpy arrays: row r is
    positive for the classes `indices[indptr[r]:indptr[r + 1]]`, sorted and distinct.

    The shapes and the label frame keep labels in this form: reading them needs numpy
    only (importing scipy.sparse takes about 0.35 s, more than `check` on NIH spends on
    its labels). `tocsr()` gives the same matrix as a scipy.sparse `csr_array`.
    """

    indptr: np.ndarray
    indices: np.ndarray
    shape: tuple[int, int]

    @property
    def nnz(self) -> int:
        return len(self.indices)

    def cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of every positive, by row then column (int64)."""
        rows = np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))
        return rows, self.indices.astype(np.int64)

    def per_row(self) -> np.ndarray:
        """Positive classes per row, (N,) int64."""
        return np.diff(self.indptr).astype(np.int64)

    def per_class(self) -> np.ndarray:
        """Positive rows per class, (C,) int64."""
        return np.bincount(self.indices, minlength=self.shape[1]).astype(np.int64)

    def by_class(self) -> tuple[np.ndarray, np.ndarray]:
        """The CSC form: class c is positive on the rows `rows[indptr[c]:indptr[c + 1]]`,
        sorted."""
        rows, columns = self.cells()
        order = np.argsort(columns, kind="stable")
        indptr = np.concatenate([[0], np.cumsum(self.per_class())])
        return indptr, rows[order]

    def tocsr(self) -> Any:
        """The scipy.sparse `csr_array` of bool."""
        import scipy.sparse as sp

        matrix = sp.csr_array(
            (np.ones(self.nnz, dtype=bool), self.indices, self.indptr), shape=self.shape
        )
        matrix.has_canonical_format = True
        return matrix

    def toarray(self) -> np.ndarray:
        """The dense bool matrix: for small tables and tests only."""
        dense = np.zeros(self.shape, dtype=bool)
        dense[self.cells()] = True
        return dense


@dataclass(frozen=True, slots=True)
class Parsed:
    """The labels of each table row as `LabelRows` (a CSR bool matrix), and class names.

    What a shape's `parse` returns; `as_parsed` also takes a scipy.sparse or a dense
    matrix, as a shape plugin may return. The loader only reorders and merges it,
    through the methods below.
    """

    matrix: Any  # LabelRows from the built-in shapes; see as_parsed
    classes: tuple[str, ...]

    def reordered(self, order: Sequence[str]) -> Parsed:
        """The classes in `order`; a name of `order` absent from these labels has no
        positive row."""
        wanted = {name: j for j, name in enumerate(order)}
        # Old column -> new column; -1 for a class `order` leaves out (it has no label).
        new_column = np.array([wanted.get(name, -1) for name in self.classes], dtype=np.int64)
        rows, columns = self.matrix.cells()
        moved = new_column[columns] if columns.size else columns
        keep = moved >= 0
        return Parsed(
            from_cells(rows[keep], moved[keep], (self.matrix.shape[0], len(order))),
            tuple(order),
        )

    def merged(self, item_of_row: np.ndarray, n_items: int) -> Parsed:
        """Rows merged into items (row r into item `item_of_row[r]`): an item has every
        label of its rows."""
        rows, columns = self.matrix.cells()
        return Parsed(
            from_cells(item_of_row[rows], columns, (n_items, len(self.classes))), self.classes
        )


def as_parsed(parsed: Parsed) -> Parsed:
    """`parsed` with its matrix as `LabelRows` (a shape plugin may return a scipy.sparse
    or a dense matrix)."""
    matrix = parsed.matrix
    if isinstance(matrix, LabelRows):
        return parsed
    if hasattr(matrix, "tocoo"):  # scipy.sparse
        coo = matrix.tocoo()
        positive = coo.data != 0
        rows, columns, shape = coo.row[positive], coo.col[positive], coo.shape
    else:
        dense = np.asarray(matrix)
        if dense.ndim != 2:
            raise ValueError(f"labels must be 2-D (rows x classes), got shape {dense.shape}")
        rows, columns = np.nonzero(dense)
        shape = dense.shape
    return Parsed(from_cells(rows, columns, (int(shape[0]), int(shape[1]))), parsed.classes)


def from_cells(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> LabelRows:
    """The labels positive at (rows[i], columns[i]); a repeated cell counts once."""
    n_rows, n_columns = shape
    key = sorted_unique(rows.astype(np.int64) * max(n_columns, 1) + columns)
    row, column = np.divmod(key, max(n_columns, 1))
    return csr(np.searchsorted(row, np.arange(n_rows + 1)), column, shape)


def csr(indptr: np.ndarray, indices: np.ndarray, shape: tuple[int, int]) -> LabelRows:
    """`LabelRows` from row offsets and sorted, distinct column indices per row, in the
    smallest index type (int32 up to 2**31 labels)."""
    index = np.int32 if max(len(indices), *shape) < np.iinfo(np.int32).max else np.int64
    return LabelRows(indptr.astype(index), indices.astype(index), shape)


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


def from_value_lists(codes: np.ndarray, per_value: Sequence[list[str]], column: str) -> Parsed:
    """Row labels from per-row codes (-1 for null) into distinct values and each
    value's class names."""
    found = {name for names in per_value for name in names}
    _refuse_identifier(codes, per_value, len(found), column)
    classes = tuple(sorted(found))
    index = {name: i for i, name in enumerate(classes)}
    # Each value's classes, sorted and distinct; a last, empty row stands for null.
    per_value_columns = [sorted({index[n] for n in names}) for names in per_value] + [[]]
    lengths = np.fromiter(map(len, per_value_columns), dtype=np.int64)
    value_indptr = np.concatenate([[0], np.cumsum(lengths)])
    value_indices = np.fromiter(
        (j for columns in per_value_columns for j in columns),
        dtype=np.int64,
        count=int(value_indptr[-1]),
    )
    rows = np.where(codes < 0, len(per_value), codes)
    return Parsed(gather(value_indptr, value_indices, rows, len(classes)), classes)


def gather(
    value_indptr: np.ndarray, value_indices: np.ndarray, rows: np.ndarray, n_columns: int
) -> LabelRows:
    """The labels whose row r is row `rows[r]` of the CSR (value_indptr, value_indices)."""
    starts = value_indptr[rows]
    lengths = value_indptr[rows + 1] - starts
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    # Entry e of row r reads value entry starts[r] + (e - indptr[r]).
    offsets = np.repeat(starts - indptr[:-1], lengths)
    indices = value_indices[np.arange(int(indptr[-1]), dtype=np.int64) + offsets]
    return csr(indptr, indices, (len(rows), n_columns))


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


def screen_identifier(
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


def clean_names(names: Sequence[object], none: frozenset[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if name is None or (isinstance(name, float) and name != name):
            continue  # null / NaN items of a list are no label, not a class "None"
        text = str(name).strip()
        if text and text not in none and text not in out:
            out.append(text)
    return out


def first_row(codes: np.ndarray, code: int) -> int:
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


def blank_error(where: str, name: str, count: int) -> LabelValueError:
    return LabelValueError(
        f"{where}: column {name!r} is empty ({counted(count, 'row')} in all). Pass --blank "
        "negative to read an empty cell as no positive label, or fill the cells."
    )
