"""What a table may be given as: a path, a pandas DataFrame, a pyarrow Table, or several.

`load_frame` and the Python API (`splitguard.split(data, ...)`) accept any of:

- a path (CSV, CSV.gz, Parquet, a folder of Parquet files), a DataFrame or a Table;
- a dict `{split: path | DataFrame | Table}`: one table per split;
- (split, path) pairs, as the command line gives them (`train=a.csv`).

A table given in memory is read as it is (its Arrow types kept) and never modified; the
split files and `.table` hold its rows untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard.core.errors import InputError, OptionError

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True, slots=True)
class TableInput:
    """One input table: its split (None for a single table), its name, and where it is.

    `name` is its path, or for a table in memory what messages call it ("DataFrame",
    "DataFrame 'train'"); `data` is that in-memory table (None for a path).
    """

    split: str | None
    name: str
    data: Any = None

    @property
    def in_memory(self) -> bool:
        return self.data is not None


def table_inputs(data: Any) -> list[TableInput]:
    """The input tables of `data` (see the module's docstring); anything else is an error."""
    if isinstance(data, str | Path) or _memory_kind(data):
        return [_one(None, data)]
    if isinstance(data, Mapping):
        if not data:
            raise OptionError("the dict of splits is empty; give {split: table, ...}.")
        for split in data:
            if not isinstance(split, str):
                raise OptionError(
                    f"the dict of splits has the key {split!r}; its keys are split names "
                    "(strings), such as {'train': ..., 'test': ...}."
                )
        return [_one(split, table) for split, table in data.items()]
    if isinstance(data, Sequence) and data and all(_is_pair(item) for item in data):
        return [_one(split, table) for split, table in data]
    raise OptionError(
        f"cannot read a table from {_described(data)}. Give a path, a pandas DataFrame, a "
        "pyarrow Table, or a dict {split: path or DataFrame}."
    )


def _is_pair(item: Any) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and (item[0] is None or isinstance(item[0], str))
        and (isinstance(item[1], str | Path) or bool(_memory_kind(item[1])))
    )


def _one(split: str | None, data: Any) -> TableInput:
    if isinstance(data, str | Path):
        return TableInput(split, str(data))
    kind = _memory_kind(data)
    if not kind:
        where = f"split {split!r}" if split is not None else "the input"
        raise OptionError(
            f"{where} is {_described(data)}; give a path, a pandas DataFrame or a pyarrow Table."
        )
    return TableInput(split, kind if split is None else f"{kind} {split!r}", data)


def _memory_kind(data: Any) -> str:
    """'DataFrame' or 'Table' for a table in memory, '' otherwise (pandas never imported)."""
    module = type(data).__module__.split(".")[0]
    name = type(data).__name__
    if module == "pandas" and name == "DataFrame":
        return "DataFrame"
    if module == "pyarrow" and name == "Table":
        return "Table"
    return ""


def _described(data: Any) -> str:
    kind = type(data).__name__
    return f"a value of type {kind}" if not isinstance(data, str | bytes) else repr(data)


def read_input(source: TableInput, encoding: str) -> pa.Table:
    """The Arrow table of one input: read from its path, or converted from memory."""
    if not source.in_memory:
        from splitguard.core.io.read import read_table

        return read_table(source.name, encoding)
    table = _arrow(source.data, source.name)
    if table.num_rows == 0:
        raise InputError(f"{source.name}: the table has no rows. Give a table with rows.")
    return table


def _arrow(data: Any, name: str) -> pa.Table:
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data
    names = [str(c) for c in data.columns]
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise InputError(
            f"{name}: the DataFrame names column {repeated[0]!r} more than once. "
            "Give each column a distinct name."
        )
    try:
        # The index is not a column of the table: the rows are the DataFrame's rows.
        return pa.Table.from_pandas(data, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise InputError(
            f"{name}: a column cannot be read as a table column ({str(exc).splitlines()[0]}). "
            "Give each column one type (such as all strings), for example with "
            "df.astype({column: str})."
        ) from None
