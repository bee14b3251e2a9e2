"""Write the rows of each split as Parquet: the input rows untouched, plus a split column."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from splitguard.core.errors import OptionError, OutputError
from splitguard.core.frame import LabelFrame
from splitguard.core.io.arrow import constant_strings, index_array
from splitguard.core.split_names import (
    case_collision,
    collision_error,
    name_problem,
    split_name_error,
)


def split_column_name(frame: LabelFrame, column: str) -> str:
    """`column`, unless the input already has a column of that name that is not its split.

    Split files given as SPLIT=PATH may carry the column from an earlier run: it names
    their split, and takes the new one.
    """
    given_as_files = frame.sources[0].split is not None
    if column in frame.table.column_names and column != frame.spec.split_col and not given_as_files:
        raise OptionError(
            f"the input already has a column {column!r}, which splitguard writes the new "
            f"split into. Rename that column, or pass it as --split-col."
        )
    return column


def split_file(folder: Path, names: tuple[str, ...], split: str) -> Path:
    """`folder/<split>.parquet`; a name that is not a split name never reaches the disk.

    Names are checked where they are given; this is the last guard, for frames built
    by code (the library) rather than read from options and tables.
    """
    if name_problem(split) is not None:
        raise OutputError(split_name_error(split, "the splits to write", "rename that split"))
    pair = case_collision(names)
    if pair is not None:
        raise OutputError(collision_error(pair, "the splits to write"))
    return folder / f"{split}.parquet"


def write_split_tables(folder: Path, frame: LabelFrame, column: str = "split") -> list[Path]:
    """One `<split>.parquet` per split in `folder`, rows in input order."""
    import pyarrow.parquet as pq

    assert frame.splits is not None
    name = split_column_name(frame, column)
    record_splits = frame.splits[frame.row_of_record]
    table = frame.table_as_read()
    written = []
    for s, split in enumerate(frame.split_names):
        rows = np.flatnonzero(record_splits == s)
        part = table.take(index_array(rows))
        values = constant_strings(split, len(rows))
        if name in part.column_names:
            part = part.set_column(part.column_names.index(name), name, values)
        else:
            part = part.append_column(name, values)
        path = split_file(folder, frame.split_names, split)
        try:
            pq.write_table(part, path, compression="zstd")
        except OSError as exc:
            # Arrow's error does not name the file; the user should learn which one it was.
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        written.append(path)
    return written
