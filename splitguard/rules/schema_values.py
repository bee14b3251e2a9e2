"""Schema rules checked by pandera (SG102-SG105): ids, group keys and label values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from splitguard.core.options import BLANK, GROUP, ID, UNCERTAIN
from splitguard.core.wording import counted
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.schema_checks import ColumnCheck, validate
from splitguard.rules.where import table_rows


class _PanderaRule(Rule):
    """A rule whose findings are pandera failure cases of one check kind."""

    kind: ClassVar[str]

    def check(self, context: Context) -> Iterator[Finding]:
        frame = context.frame
        failures: dict[ColumnCheck, np.ndarray] = context.memo(
            "schema-failures", lambda: validate(context.aggregates)
        )
        for check, records in failures.items():
            if check.kind == self.kind:
                where = table_rows(frame, records)
                rows = self.rows_in_table(check, context)
                if rows is not None:
                    where["n_rows"] = rows
                yield self.finding(
                    self.describe(check, context, records, len(records) if rows is None else rows),
                    column=check.column,
                    **where,
                )

    def rows_in_table(self, check: ColumnCheck, context: Context) -> int | None:
        """The failing rows of the whole table where an engine counted them and the
        frame is its sample; None: the frame's own records are all of them (`describe`
        then gets their number as `rows`)."""
        return None

    def describe(self, check: ColumnCheck, context: Context, records: np.ndarray, rows: int) -> str:
        raise NotImplementedError


class DuplicateRowId(_PanderaRule):
    """A row id appears more than once in one split.

    ## What it does
    Checks that the `--id` column is unique within each split (or within the table when
    there are no splits). The same id in two splits is SG202.

    ## Why it matters
    A duplicated image is counted twice: its labels weigh double in training and its
    errors count double in evaluation.

    ## Example
    `00000013_005.png` on two rows of `train.csv`: `SG102 2 rows share 1 row id in
    column 'Image Index'.`

    ## Options
    `id` (the row id column).

    ## Fix
    Drop the duplicate rows, or give each row its own id.
    """

    code = "SG102"
    name = "duplicate-row-id"
    family = "schema"
    severity: ClassVar[Severity] = "error"
    options = (ID,)
    kind = "duplicate-id"

    def describe(self, check: ColumnCheck, context: Context, records: np.ndarray, rows: int) -> str:
        distinct = len({context.frame.table.column(check.column)[int(r)].as_py() for r in records})
        return (
            f"{counted(len(records), 'row')} share {counted(distinct, 'row id')} in column "
            f"{check.column!r}."
        )


class MissingRowId(_PanderaRule):
    """A row has no id.

    ## What it does
    Checks that the `--id` column has a value on every row.

    ## Why it matters
    A row without an id cannot be traced to its image, deduplicated, or checked for leaks.

    ## Example
    An empty `Image Index` cell: `SG103 1 row without an id in column 'Image Index'.`

    ## Options
    `id`.

    ## Fix
    Fill the id, or drop the row.
    """

    code = "SG103"
    name = "missing-row-id"
    family = "schema"
    severity: ClassVar[Severity] = "error"
    options = (ID,)
    kind = "null-id"

    def describe(self, check: ColumnCheck, context: Context, records: np.ndarray, rows: int) -> str:
        return f"{counted(len(records), 'row')} without an id in column {check.column!r}."


class MissingGroupKey(_PanderaRule):
    """A row has no group key (patient id).

    ## What it does
    Checks that every `--group` column has a value on every row.

    ## Why it matters
    A row without a patient id becomes a group of its own: if it belongs to a patient
    in another split, the leak is invisible.

    ## Example
    An empty `Patient ID` cell: `SG104 3 rows without a group key in column
    'Patient ID'.`

    ## Options
    `group`.

    ## Fix
    Fill the key from the source records, or drop the rows.
    """

    code = "SG104"
    name = "missing-group-key"
    family = "schema"
    severity: ClassVar[Severity] = "error"
    options = (GROUP,)
    kind = "null-group"

    def describe(self, check: ColumnCheck, context: Context, records: np.ndarray, rows: int) -> str:
        return f"{counted(len(records), 'row')} without a group key in column {check.column!r}."


class InvalidLabelValue(_PanderaRule):
    """A label cell holds a value its shape and policies do not allow.

    ## What it does
    Wide columns: checks every value is 1/0, true/false or 1.0/0.0, plus -1 when
    `--uncertain` is not `error` and blanks when `--blank` is `negative`. Delimited, list
    and long labels: checks no cell is empty unless `--blank negative`.

    ## Why it matters
    The linter reads an unknown value as negative so it can go on; training code may read
    it otherwise, and a `2` or a `?` is usually a bug upstream.

    ## Example
    `Edema = 2` on one row: `SG105 column 'Edema' has 1 row with a label value the
    shape and policies do not allow (2).`

    ## Options
    `uncertain`, `blank`.

    ## Fix
    Fix the cells, or set `--uncertain` / `--blank` to say how to read them.
    """

    code = "SG105"
    name = "invalid-label-value"
    family = "schema"
    severity: ClassVar[Severity] = "error"
    options = (UNCERTAIN, BLANK)
    kind = "bad-label"

    def rows_in_table(self, check: ColumnCheck, context: Context) -> int | None:
        # An engine counts the bad cells of every row; its sample holds the first ones.
        from splitguard.core.counts import TableCounts

        counts = context.table_counts
        if isinstance(counts, TableCounts) and check.column in counts.label_faults:
            return counts.label_faults[check.column]
        return None

    def describe(self, check: ColumnCheck, context: Context, records: np.ndarray, rows: int) -> str:
        column = context.frame.table.column(check.column)
        values = {column[int(r)].as_py() for r in records[:200]}
        shown = sorted("empty" if v is None or v != v else repr(v) for v in values)[:5]
        return (
            f"column {check.column!r} has {counted(rows, 'row')} with a label value "
            f"the shape and policies do not allow ({', '.join(shown)})."
        )
