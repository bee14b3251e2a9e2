"""Schema rules on how label cells are written (SG110, SG111): one encoding, one shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from splitguard.core.labels import bare_list_cells, distinct
from splitguard.core.options import LABEL_COLS, LABELS
from splitguard.core.shapes.registry import frame_shape
from splitguard.core.wording import counted
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.where import table_rows

if TYPE_CHECKING:
    import pyarrow as pa

    from splitguard.core.frame import LabelFrame

# The ways a wide cell says yes or no; a column should keep to one.
ENCODINGS = {
    "1/0": frozenset({"1", "1.0", "0", "0.0", "-0.0", "-1", "-1.0"}),
    "true/false": frozenset({"true", "false", "t", "f"}),
    "yes/no": frozenset({"yes", "no", "y", "n"}),
}
SHOWN_ROWS = 3


def is_text(column: pa.ChunkedArray) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(column.type) or pa.types.is_large_string(column.type))


def has_list_cell(column: pa.ChunkedArray) -> bool:
    """Whether any cell starts with "[" (a scan far cheaper than encoding the column)."""
    import pyarrow.compute as pc

    starts = pc.starts_with(pc.utf8_ltrim_whitespace(column), "[")
    return bool(pc.any(starts).as_py())


def encoding_of(value: object) -> str | None:
    text = str(value).strip().lower()
    return next((name for name, words in ENCODINGS.items() if text in words), None)


def file_rows(frame: LabelFrame, records: np.ndarray) -> str:
    """'a.csv, row 4', or 'a.csv, rows 4, 9 and 2 more': where to look, by file line."""
    places = [frame.locate(int(record)) for record in records[:SHOWN_ROWS]]
    paths = list(dict.fromkeys(path for path, _ in places))
    if len(paths) == 1:
        lines = ", ".join(str(line) for _, line in places)
        text = f"{paths[0]}, {'row' if len(records) == 1 else 'rows'} {lines}"
    else:
        text = "; ".join(f"{path}, row {line}" for path, line in places)
    rest = len(records) - len(places)
    return text + (f" and {rest:,} more" if rest else "")


class MixedLabelEncoding(Rule):
    """A wide label column writes yes and no in more than one way.

    ## What it does
    For every wide label column read as text, sorts its cells into encodings (1/0,
    true/false, yes/no) and reports the rows that use another encoding than most of the
    column, naming the first of them by file and row.

    ## Why it matters
    Every encoding is allowed, so nothing else complains; but one `yes` among 112,120
    cells of `0` and `1` was written by another hand, and the rows it marks are the ones
    to check (a merged export, a manual edit, a shifted column).

    ## Example
    `Mass` holds 0 and 1 except on one row: `SG110 column 'Mass' writes its labels as
    1/0, but as yes/no on 1 row (labels.csv, row 5).`

    ## Options
    `label-cols`.

    ## Fix
    Check those rows, and write every cell of the column in the column's encoding.
    """

    code = "SG110"
    name = "mixed-label-encoding"
    family = "schema"
    severity: ClassVar[Severity] = "warning"
    options = (LABEL_COLS,)

    def check(self, context: Context) -> Iterator[Finding]:
        frame = context.frame
        for name in frame_shape(frame).flag_columns(frame):
            column = frame.table.column(name)
            # A numeric or boolean column holds one encoding by construction.
            if not is_text(column):
                continue
            codes, values = distinct(column)
            names = sorted(ENCODINGS)
            # The extra last entry stands for a missing cell (code -1): no encoding.
            of_value = [encoding_of(value) for value in values] + [None]
            index = np.array([-1 if e is None else names.index(e) for e in of_value])
            of_row = index[codes]
            used = np.bincount(of_row[of_row >= 0], minlength=len(names))
            if (used > 0).sum() < 2:
                continue
            main = int(np.argmax(used))
            for other in np.flatnonzero(used):
                if other == main:
                    continue
                records = np.flatnonzero(of_row == other)
                yield self.finding(
                    f"column {name!r} writes its labels as {names[main]} on "
                    f"{counted(int(used[main]), 'row')}, but as {names[other]} on "
                    f"{counted(len(records), 'row')} ({file_rows(frame, records)}).",
                    column=name,
                    **table_rows(frame, records),
                )


class BareCellInListColumn(Rule):
    """A cell of a column of lists is not a list.

    ## What it does
    When most non-empty cells of the `--labels` column are list literals
    (`["Mass", "Nodule"]`), reports the cells that are not, naming the first of them by
    file and row.

    ## Why it matters
    A bare `Mass|Nodule` in a column of lists is read as one label named
    `Mass|Nodule`: a class of its own that no other row has, and the row loses its
    real labels. `split`, `fix` and `stats` stop on it; `check` reports it.

    ## Example
    `SG111 column 'labels' holds lists, but 1 row holds a bare value (labels.csv,
    row 3).`

    ## Options
    `labels`.

    ## Fix
    Write the cell as a list (`["Mass"]`, or `[]` for no label).
    """

    code = "SG111"
    name = "bare-cell-in-list-column"
    family = "schema"
    severity: ClassVar[Severity] = "error"
    options = (LABELS,)

    def check(self, context: Context) -> Iterator[Finding]:
        frame = context.frame
        name = frame_shape(frame).label_column(frame.spec)
        if name is None or not is_text(frame.table.column(name)):
            return
        column = frame.table.column(name)
        if not has_list_cell(column):
            return
        records = bare_list_cells(*distinct(column))
        if not len(records):
            return
        yield self.finding(
            f"column {name!r} holds lists, but {counted(len(records), 'row')} "
            f"{'holds a bare value' if len(records) == 1 else 'hold bare values'} "
            f"({file_rows(frame, records)}), each read as a class of its own.",
            column=name,
            **table_rows(frame, records),
        )
