"""The user's own pandera schema (SG120): the table's other columns, guarded as the user says.

`--schema` names a pandera YAML file (the `DataFrameSchema.to_yaml` format) or
`module:attr` naming a `DataFrameSchema` or a `DataFrameModel`. The whole input table
(every original column, as read) is validated lazily, so one run reports every failing
(column, check) at once. pandera and pandas are imported only when a schema is given.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from splitguard.core.arrays import sorted_unique
from splitguard.core.errors import OptionError
from splitguard.core.options import Option, is_module_reference, optional, text
from splitguard.core.wording import counted
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.where import table_rows

if TYPE_CHECKING:
    from splitguard.core.frame import LabelFrame

VALUE_SAMPLE = 5
MISSING_COLUMN = "column_in_dataframe"

SCHEMA = Option(
    "schema",
    "A pandera schema the input table must pass (SG120): a YAML file written by "
    "DataFrameSchema.to_yaml, or MODULE:ATTR naming a DataFrameSchema or DataFrameModel.",
    optional(text),
    None,
    "FILE|MODULE:ATTR",
    # In a config file, a YAML file's path is relative to the file; MODULE:ATTR is not a path.
    path=lambda value: not is_module_reference(value),
)


class SchemaFileError(OptionError):
    """A `--schema` file or `module:attr` that cannot be read as a pandera schema."""


@dataclass(frozen=True, slots=True)
class Failure:
    """One failing (column, check) in one input file: its table rows and failing values."""

    column: str | None
    check: str
    records: np.ndarray
    values: tuple[tuple[str, int], ...]
    source: int | None


def load_schema(reference: str) -> Any:
    """The pandera `DataFrameSchema` that `reference` (a YAML path or module:attr) names."""
    if is_module_reference(reference) and not Path(reference).exists():
        return _from_module(reference)
    return _from_yaml(Path(reference))


def _from_yaml(path: Path) -> Any:
    import yaml

    where = f"{path} (--schema)"
    if not path.is_file():
        raise SchemaFileError(
            f"{where}: no such file. Give a pandera YAML schema (written by "
            "DataFrameSchema.to_yaml) or MODULE:ATTR naming a schema in a Python module."
        )
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaFileError(f"{where}: cannot be read ({exc}).") from None
    except yaml.YAMLError as exc:
        raise SchemaFileError(
            f"{where}: not valid YAML ({str(exc).splitlines()[0]}). Fix the file's syntax, "
            "or write it again with DataFrameSchema.to_yaml."
        ) from None
    if not isinstance(document, dict) or document.get("schema_type") != "dataframe":
        raise SchemaFileError(
            f"{where}: not a pandera schema (no `schema_type: dataframe` at the top). "
            "Write the file with pandera's DataFrameSchema.to_yaml."
        )
    import pandera.pandas as pa

    try:
        return pa.DataFrameSchema.from_yaml(text)
    except Exception as exc:  # pandera raises many types for a malformed schema
        raise SchemaFileError(
            f"{where}: pandera cannot read this schema ({type(exc).__name__}: {exc}). "
            "Compare it with the output of DataFrameSchema.to_yaml."
        ) from None


def _from_module(reference: str) -> Any:
    import pandera.pandas as pa

    module_name, _, attr = reference.partition(":")
    where = f"{reference} (--schema)"
    # Like `python -m`, look in the current folder first: schemas live beside the data.
    sys.path.insert(0, str(Path.cwd()))
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # the user's module may raise anything while it imports
        raise SchemaFileError(
            f"{where}: cannot import module {module_name!r} ({type(exc).__name__}: {exc}). "
            "Run from the folder that holds it, or install it."
        ) from None
    finally:
        sys.path.remove(str(Path.cwd()))
    target: Any = module
    for part in attr.split("."):
        if not hasattr(target, part):
            raise SchemaFileError(
                f"{where}: module {module_name!r} has no attribute {attr!r}. "
                "Name a pandera DataFrameSchema or DataFrameModel in it."
            )
        target = getattr(target, part)
    if isinstance(target, type) and issubclass(target, pa.DataFrameModel):
        return target.to_schema()
    if isinstance(target, pa.DataFrameSchema):
        return target
    raise SchemaFileError(
        f"{where}: {attr!r} is a {type(target).__name__}, not a pandera DataFrameSchema or "
        "DataFrameModel."
    )


def failures(frame: LabelFrame, schema: Any) -> list[Failure]:
    """Every failing (column, check, input file) of `schema` on the frame's input table."""
    import pandera.pandas as pa

    data = frame.table.to_pandas()
    try:
        _text_read_as_typed(schema, data).validate(data, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _grouped(errors.failure_cases, frame)
    except pa.errors.SchemaError as error:  # raised by dataframe-wide checks even when lazy
        return [Failure(None, str(error).splitlines()[0], np.array([], np.int64), (), None)]
    return []


def _text_read_as_typed(schema: Any, data: Any) -> Any:
    """`schema`, coercing the text columns it types otherwise (ints, floats, dates).

    A CSV table is read as text (`00012` stays itself), so `Patient Age` arrives as "57";
    a schema that says int64 means the text read as a number. A cell that does not read
    so is a failure case of pandera's coercion, with its row. Parquet columns keep their
    types and are validated as they are.
    """
    import pandas as pd

    coerce = {
        name: {"coerce": True}
        for name, column in schema.columns.items()
        if name in data.columns
        and column.dtype is not None
        and not str(column.dtype).startswith(("str", "object"))
        and pd.api.types.is_string_dtype(data[name].dtype)
    }
    return schema.update_columns(coerce) if coerce else schema


def _grouped(cases: Any, frame: LabelFrame) -> list[Failure]:
    import pandas as pd

    starts = np.array([source.start for source in frame.sources])
    index = pd.to_numeric(cases["index"], errors="coerce")
    cases = cases.assign(
        _record=index,
        _source=np.where(
            index.notna(), np.searchsorted(starts, index.fillna(0), side="right") - 1, -1
        ),
        _column=cases["column"].astype(object).where(cases["column"].notna(), ""),
    )
    # A missing column is a table-wide failure whose failure case is the column's name.
    missing = cases["check"] == MISSING_COLUMN
    cases.loc[missing, "_column"] = cases.loc[missing, "failure_case"].astype(str)
    found: list[Failure] = []
    for (column, check, source), group in cases.groupby(
        ["_column", "check", "_source"], sort=True, dropna=False
    ):
        records = sorted_unique(group["_record"].dropna().astype(np.int64).to_numpy())
        counts = group["failure_case"].astype(str).value_counts()
        # Commonest first, ties in value order: the same table gives the same message.
        values = tuple(sorted(((str(v), int(n)) for v, n in counts.items()), key=_by_count))
        found.append(
            Failure(
                str(column) or None,
                str(check),
                records,
                values,
                None if int(source) < 0 else int(source),
            )
        )
    return found


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


class UserSchema(Rule):
    """The table fails a check of the user's own pandera schema (`--schema`).

    ## What it does
    Validates the whole input table, every original column as read, against a pandera
    schema: a YAML file written by `DataFrameSchema.to_yaml`, or `module:attr` naming a
    `DataFrameSchema` or a `DataFrameModel`. Validation is lazy, so one run reports every
    failing check: one finding per column, check and input file, with a sample of the
    failing values (and how often each occurs) and of the failing rows' ids. A CSV table
    is read as text: a column the schema gives another type (int64, float64, a date) is
    read as that type, and a cell that does not read so is a failure.

    ## Why it matters
    The label table carries more than labels: age, sex, view position, site. A model
    trained on a table whose `Patient Age` reads 414, or whose test split holds a view
    the training split never saw, learns from a table nobody meant to give it.

    ## Example
    A schema with `Patient Age: in_range(0, 120)` on a split holding ages 148 and 414:
    `SG120 column 'Patient Age' fails in_range(0, 120) on 2 rows: 148 (1), 414 (1).`,
    located at split `test`, file `test.csv`, and the two rows' ids.

    ## Options
    `schema` (a YAML file or `module:attr`).

    ## Fix
    Correct or drop the failing rows, or change the schema if it is the schema that is wrong.
    """

    code = "SG120"
    name = "user-schema"
    family = "schema"
    severity: ClassVar[Severity] = "error"
    options = (SCHEMA,)

    def check(self, context: Context) -> Iterator[Finding]:
        reference = context.option(SCHEMA)
        if not reference:
            return
        frame = context.frame
        for failure in failures(frame, load_schema(reference)):
            where: dict[str, Any] = table_rows(frame, failure.records)
            if failure.source is not None:
                source = frame.sources[failure.source]
                where.update(file=source.path, split=source.split or where.get("split"))
            yield self.finding(_describe(failure), column=failure.column, **where)


def _describe(failure: Failure) -> str:
    """Column, check, how many rows and which values; the split and file are the location's."""
    if failure.check == MISSING_COLUMN:
        return f"column {failure.column!r} is not in the table; the schema requires it."
    subject = f"column {failure.column!r}" if failure.column else "the table"
    rows = f" on {counted(len(failure.records), 'row')}" if len(failure.records) else ""
    shown = ", ".join(f"{value} ({n:,})" for value, n in failure.values[:VALUE_SAMPLE])
    more = len(failure.values) - VALUE_SAMPLE
    if more > 0:
        shown += f" and {counted(more, 'other value')}"
    return f"{subject} fails {failure.check}{rows}: {shown}."


RULES: list[type[Rule]] = [UserSchema]
