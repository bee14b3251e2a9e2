"""`--keep DIR`: groups assigned by an earlier split stay where they are.

A row of the new table is kept when one of its group keys (or, without group
columns, its row id) appears in the earlier split's files; its whole group then stays
in that split. Only new groups are placed, so a frozen test set survives growth.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from splitguard.core.errors import InputError, OptionError
from splitguard.core.frame import SPLIT_INDEX, LabelFrame
from splitguard.core.io.arrow import object_values
from splitguard.core.io.read import PARQUET_SUFFIXES


@dataclass(frozen=True, slots=True)
class Kept:
    """The split index each group must keep (-1 = new group), and conflicts met."""

    fixed: np.ndarray
    conflicts: int

    def summary(self, group_split: np.ndarray, split_names: tuple[str, ...]) -> dict[str, Any]:
        """What was kept, for the report: groups left in place, new groups placed per
        split (`group_split`: the split of every group), and the conflicts met."""
        new = self.fixed < 0
        counts = np.bincount(group_split[new], minlength=len(split_names))
        return {
            "kept_groups": int((~new).sum()),
            "new_groups": {name: int(n) for name, n in zip(split_names, counts, strict=True)},
            "conflicts": self.conflicts,
        }


def previous_keys(
    keep: str | Mapping[str, str], key_columns: tuple[str, ...], encoding: str = "utf-8"
) -> dict[str, list[Any]]:
    """Per key column, and for `split`: the values of every row of the earlier split.

    `keep` is a directory written by `split` (its files carry a `split` or `fold`
    column), or split files as {split: path}.
    """
    if isinstance(keep, Mapping):
        return _from_split_files(dict(keep), key_columns, encoding)
    return _from_directory(Path(keep), key_columns)


def _from_split_files(
    files: dict[str, str], key_columns: tuple[str, ...], encoding: str
) -> dict[str, list[Any]]:
    from splitguard.core.errors import missing_column
    from splitguard.core.io.read import read_table

    collected: dict[str, list[Any]] = {c: [] for c in (*key_columns, "split")}
    for split, path in files.items():
        table = read_table(path, encoding)
        for column in key_columns:
            if column not in table.column_names:
                raise missing_column(path, column, table.column_names, "--keep")
            collected[column].extend(_keys(table.column(column)))
        collected["split"].extend([split] * table.num_rows)
    return collected


def _from_directory(folder: Path, key_columns: tuple[str, ...]) -> dict[str, list[Any]]:
    import pyarrow.parquet as pq

    if not folder.is_dir():
        raise InputError(
            f"{folder}: --keep takes a directory written by `splitguard split`, or split "
            "files as train=a.csv,val=b.csv,test=c.csv."
        )
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in PARQUET_SUFFIXES)
    if not files:
        raise InputError(f"{folder}: no Parquet split files in it; give a `split` --out folder.")
    collected: dict[str, list[Any]] = {c: [] for c in (*key_columns, "split")}
    for file in files:
        schema = pq.read_schema(file)
        split_column = "split" if "split" in schema.names else "fold"
        missing = [c for c in (*key_columns, split_column) if c not in schema.names]
        if missing:
            raise InputError(
                f"{file}: no column {missing[0]!r}; --keep needs the earlier split's files "
                "with the same id/group columns and a `split` (or `fold`) column."
            )
        table = pq.read_table(file, columns=[*key_columns, split_column])
        for column in key_columns:
            collected[column].extend(_keys(table.column(column)))
        collected["split"].extend(object_values(table.column(split_column)))
    return collected


def _keys(column: Any) -> list[str | None]:
    """Key cells as text; a missing key (null, `NaN`, `None`, ...) as None."""
    from splitguard.core.groups import without_missing_keys

    return [None if v is None else str(v) for v in object_values(without_missing_keys(column))]


def kept_groups(
    frame: LabelFrame, keep: str | Path | Mapping[str, str], split_names: tuple[str, ...]
) -> Kept:
    """The fixed split of every group of `frame` that the earlier split already placed."""
    key_columns = frame.spec.group or ((frame.spec.id,) if frame.spec.id else ())
    if not key_columns:
        raise OptionError("--keep needs --group (or --id) to recognise the rows placed before.")
    previous = previous_keys(
        keep if isinstance(keep, Mapping) else str(keep), key_columns, frame.spec.encoding
    )
    unknown = sorted({str(s) for s in previous["split"]} - set(split_names))
    if unknown:
        raise OptionError(
            f"{keep}: the earlier split has split {unknown[0]!r}, which this request does "
            f"not make (splits: {', '.join(split_names)}). Request the same split names."
        )
    index = {name: i for i, name in enumerate(split_names)}
    earlier = np.array([index[str(s)] for s in previous["split"]], dtype=np.int64)
    row_split = np.full(frame.n_rows, -1, dtype=np.int64)
    # The first table row of each frame row (the long shape has several).
    records = np.arange(len(frame.row_of_record))
    first = np.empty(frame.n_rows, dtype=np.int64)
    first[frame.row_of_record[::-1]] = records[::-1]
    for column in key_columns:
        given = np.array([key is not None for key in previous[column]], dtype=bool)
        keys = np.array([key for key in previous[column] if key is not None], dtype=str)
        if not len(keys):
            continue
        order = np.argsort(keys, kind="stable")
        sorted_keys, sorted_splits = keys[order], earlier[given][order]
        values = object_values(frame.table.column(column))[first]
        current = np.array([str(v) for v in values])
        at = np.minimum(np.searchsorted(sorted_keys, current), len(keys) - 1)
        # A missing key (null) is no key: it matches no row of the earlier split.
        found = (sorted_keys[at] == current) & (values != None) & (row_split < 0)  # noqa: E711
        row_split[found] = sorted_splits[at][found]
    return _by_group(frame, row_split, len(split_names))


def _by_group(frame: LabelFrame, row_split: np.ndarray, n_splits: int) -> Kept:
    kept = row_split >= 0
    votes = np.zeros((frame.n_groups, n_splits), dtype=np.int64)
    np.add.at(votes, (frame.groups[kept], row_split[kept]), 1)
    return by_votes(votes)


def by_votes(votes: np.ndarray) -> Kept:
    """A group stays in the split most of its kept rows were in (`votes`: (G, S) kept
    rows per group and earlier split); a group with none is new."""
    has_vote = votes.sum(axis=1) > 0
    fixed = np.where(has_vote, votes.argmax(axis=1), -1).astype(SPLIT_INDEX)
    conflicts = int(((votes > 0).sum(axis=1) > 1).sum())
    return Kept(fixed, conflicts)
