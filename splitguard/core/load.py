"""Build a `LabelFrame` from one table or several split files, in any label shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.core.errors import ColumnError, LabelValueError, OptionError, missing_column
from splitguard.core.frame import SPLIT_INDEX, LabelFrame, Source, locate
from splitguard.core.io.arrow import object_values
from splitguard.core.labels import Parsed, as_parsed
from splitguard.core.shapes.registry import shape_of
from splitguard.core.spec import LabelSpec
from splitguard.core.split_names import (
    case_collision,
    collision_error,
    name_problem,
    shown,
    split_name_error,
)
from splitguard.core.wording import counted

if TYPE_CHECKING:
    import pyarrow as pa

CANONICAL_SPLITS = ("train", "val", "valid", "validation", "dev", "test")


def load_frame(data: Any, spec: LabelSpec, *, strict: bool = True) -> LabelFrame:
    """Read `data` into a `LabelFrame`: a path, a pandas DataFrame, a pyarrow Table, a dict
    {split: path or table}, or (split name, path) pairs (see `splitguard.core.sources`).

    With `strict=True` a label value outside the allowed set is an error; with
    `strict=False` (the linter) it reads as negative and the schema rules report it.
    """
    from splitguard.core.sources import read_input, table_inputs

    inputs = table_inputs(data)
    _check_split_names([(i.split, i.name) for i in inputs], spec)
    tables: list[pa.Table] = []
    sources: list[Source] = []
    start = 0
    for item in inputs:
        table = read_input(item, spec.encoding)
        _check_columns(table, item.name, spec)
        tables.append(table)
        sources.append(Source(item.name, item.split, start, start + table.num_rows, item.data))
        start += table.num_rows
    table = _concat(tables, sources)
    keyed, read_columns = _with_missing_keys(table, spec)
    frame = _build(keyed, tuple(sources), spec, strict=strict)
    return replace(frame, read_columns=read_columns) if read_columns else frame


def _with_missing_keys(
    table: pa.Table, spec: LabelSpec
) -> tuple[pa.Table, dict[str, pa.ChunkedArray]]:
    """Id and group cells spelled as missing (`NaN`, `None`, ...) become nulls.

    Missing keys are then reported (SG103, SG104) and make a group each, instead of
    one large group of every row spelled `NaN`. Returns the table the rules read and the
    changed columns as read, which the split files keep.
    """
    from splitguard.core.groups import without_missing_keys

    read_columns: dict[str, pa.ChunkedArray] = {}
    for name in dict.fromkeys(c for c in (spec.id, *spec.group) if c):
        column = table.column(name)
        keys = without_missing_keys(column)
        if keys is not column:
            read_columns[name] = column
            table = table.set_column(table.column_names.index(name), name, keys)
    return table, read_columns


def _check_split_names(inputs: Sequence[tuple[str | None, str]], spec: LabelSpec) -> None:
    names = [name for name, _ in inputs]
    if len(inputs) > 1 and None in names:
        raise OptionError(
            "give every input a split name (train=a.csv val=b.csv test=c.csv), "
            "or give one table with --split-col."
        )
    seen: set[str] = set()
    for name, path in inputs:
        if name is not None and name in seen:
            raise OptionError(f"split {name!r} is named twice; name each split once.")
        seen.add(name or "")
        if name is not None and name_problem(name) is not None:
            fix = "give it as NAME=PATH with an identifier for NAME"
            raise OptionError(split_name_error(name, f"input {shown(name)}={path}", fix))
    pair = case_collision(n for n in names if n is not None)
    if pair is not None:
        raise OptionError(collision_error(pair, "the SPLIT=PATH inputs"))
    if spec.split_col and names[0] is not None:
        raise OptionError("give splits either as NAME=PATH inputs or with --split-col, not both.")


def _check_columns(table: pa.Table, path: str, spec: LabelSpec) -> None:
    names = table.column_names
    wanted = [
        ("--id", spec.id),
        ("--labels", spec.labels),
        ("--long", spec.long),
        ("--split-col", spec.split_col),
        *(("--group", g) for g in spec.group),
        *(("--label-cols", c) for c in spec.label_cols if not c.startswith("glob:")),
    ]
    for option, column in wanted:
        if column and column not in names:
            raise missing_column(path, column, names, option)
        if column and names.count(column) > 1:
            raise ColumnError(
                f"{path}: the header names column {column!r} (for {option}) "
                f"{names.count(column)} times. Give each column a distinct name."
            )


def _concat(tables: list[pa.Table], sources: list[Source]) -> pa.Table:
    import pyarrow as pa

    if len(tables) == 1:
        return tables[0]
    first = tables[0].column_names
    for table, source in zip(tables[1:], sources[1:], strict=True):
        if table.column_names != first:
            # Joining them would add empty cells to every row of a file that lacks a
            # column: the split files would no longer hold the input rows untouched.
            only_first = [c for c in first if c not in table.column_names]
            only_here = [c for c in table.column_names if c not in first]
            differ = (
                f"{sources[0].path} alone has {_names(only_first)}; "
                f"{source.path} alone has {_names(only_here)}"
                if only_first or only_here
                else "the same columns in another order"
            )
            raise LabelValueError(
                f"{sources[0].path}, {source.path}: the split files' columns differ "
                f"({differ}). Give every split file the same columns in the same order."
            )
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise LabelValueError(
            f"{', '.join(s.path for s in sources)}: the split files' columns do not agree "
            f"({str(exc).splitlines()[0]}). Give files with the same columns and types."
        ) from exc


def _names(columns: list[str]) -> str:
    shown = ", ".join(repr(c) for c in columns[:5])
    more = f" and {len(columns) - 5} more" if len(columns) > 5 else ""
    return (shown + more) or "no other column"


def _build(
    table: pa.Table, sources: tuple[Source, ...], spec: LabelSpec, *, strict: bool
) -> LabelFrame:
    def where(row: int) -> str:
        path, line = locate(sources, row)
        return f"{path}, row {line}"

    shape = shape_of(spec, table)
    # A shape plugin may return a dense matrix: it becomes a CSR here, as the built-in
    # shapes return it.
    parsed = as_parsed(shape.parse(table, spec, strict=strict, where=where))
    parsed = _order_classes(parsed, spec, strict=strict)
    record_splits, split_names = _record_splits(table, sources, spec, where)
    record_ids = _strings(table, spec.id) if spec.id else None

    if shape.one_row_per_item:
        row_of_record = first = np.arange(table.num_rows, dtype=np.int64)
    else:
        assert record_ids is not None  # the shape's check_spec required --id
        row_of_record, first = _aggregate(record_ids, record_splits)
        parsed = parsed.merged(row_of_record, len(first))
    row_ids = record_ids[first] if record_ids is not None else first.astype(str).astype(object)

    from splitguard.core.groups import group_rows

    keys = [table.column(g) for g in spec.group]
    if not shape.one_row_per_item:
        keys = [k.take(first) for k in keys]
    groups, group_names = group_rows(keys, row_ids=row_ids)
    return LabelFrame(
        table=table,
        row_of_record=row_of_record,
        row_ids=row_ids,
        groups=groups,
        group_names=group_names,
        label_rows=parsed.matrix,
        classes=parsed.classes,
        spec=spec,
        sources=sources,
        splits=None if record_splits is None else record_splits[first],
        split_names=split_names,
        has_ids=spec.id is not None,
        has_groups=bool(spec.group),
        declared_classes=spec.classes,
    )


def _order_classes(parsed: Parsed, spec: LabelSpec, *, strict: bool) -> Parsed:
    if spec.classes is None:
        return parsed
    return parsed.reordered(declared_order(parsed.classes, spec.classes, strict=strict))


def declared_order(
    classes: Sequence[str], declared: Sequence[str], *, strict: bool
) -> tuple[str, ...]:
    """Declared classes come first, in their declared order; the undeclared ones of the
    sorted `classes` after, sorted (`strict`: an undeclared one is an error)."""
    names = tuple(c.strip() for c in declared)
    unknown = [c for c in classes if c not in names]
    if unknown and strict:
        raise LabelValueError(
            f"labels {', '.join(repr(c) for c in unknown[:10])} are not among the declared "
            f"classes ({', '.join(names)}). Add them to `classes` in the config, or fix "
            "the label cells."
        )
    return (*names, *unknown)


def _strings(table: pa.Table, column: str) -> np.ndarray:
    """A column as an object array of str, None for null."""
    import pyarrow as pa

    values = table.column(column)
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    return object_values(values)


def _record_splits(
    table: pa.Table, sources: tuple[Source, ...], spec: LabelSpec, where: object
) -> tuple[np.ndarray | None, tuple[str, ...]]:
    if sources[0].split is not None:
        names = tuple(s.split for s in sources if s.split is not None)
        codes = np.repeat(
            np.arange(len(sources), dtype=SPLIT_INDEX), [s.stop - s.start for s in sources]
        )
        return codes, names
    if not spec.split_col:
        return None, ()
    from splitguard.core.labels import distinct

    assert callable(where)
    codes, values = distinct(table.column(spec.split_col))
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise LabelValueError(
            f"{where(row)}: column {spec.split_col!r} is empty "
            f"({counted(int((codes < 0).sum()), 'row')} in all). Give every row a split, or "
            "drop the unsplit rows."
        )
    ordered = sorted_splits([str(v).strip() for v in values])
    _check_split_values(codes, values, ordered, spec.split_col, where)
    position = {name: index for index, name in enumerate(ordered)}
    remap = np.array([position[str(v).strip()] for v in values], dtype=SPLIT_INDEX)
    return remap[codes], tuple(ordered)


def _check_split_values(
    codes: np.ndarray, values: Sequence[object], names: list[str], column: str, where: object
) -> None:
    """Split-column values become file names: each must be a split name (see split_names)."""
    assert callable(where)

    def first_row(name: str) -> str:
        value = next(i for i, v in enumerate(values) if str(v).strip() == name)
        return str(where(int(np.flatnonzero(codes == value)[0])))

    for name in names:
        if name_problem(name) is not None:
            fix = f"rename that split in column {column!r}"
            where_name = f"{first_row(name)}, column {column!r}"
            raise LabelValueError(split_name_error(name, where_name, fix))
    pair = case_collision(names)
    if pair is not None:
        raise LabelValueError(collision_error(pair, f"{first_row(pair[1])}, column {column!r}"))


def sorted_splits(names: Sequence[str]) -> list[str]:
    """train, val, test first (as they are usually read), then the rest by name."""
    unique = list(dict.fromkeys(names))
    known = [n for n in CANONICAL_SPLITS if n in unique]
    return known + sorted(n for n in unique if n not in known)


def _aggregate(ids: np.ndarray, splits: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """One frame row per (id, split), for a shape of several rows per item; returns
    row_of_record and each item's first record."""
    # A record without an id is an item of its own (the schema rules report the missing
    # id); "\x00" cannot start a real id, so these keys never meet one.
    missing = ids == None  # noqa: E711 - elementwise null test
    key = ids.copy()
    key[missing] = [f"\x00{row}" for row in np.flatnonzero(missing)]
    key = key.astype(str)
    if splits is not None:
        key = np.char.add(np.char.add(key, "\x00"), splits.astype(str))
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inverse].astype(np.int64), first[order].astype(np.int64)
