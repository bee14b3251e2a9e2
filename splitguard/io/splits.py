"""Write the rows of each split as Parquet: the input rows untouched, plus a split column."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from splitguard.errors import OptionError
from splitguard.frame import LabelFrame
from splitguard.io.arrow import constant_strings, index_array


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


def write_split_tables(folder: Path, frame: LabelFrame, column: str = "split") -> list[Path]:
    """One `<split>.parquet` per split in `folder`, rows in input order."""
    import pyarrow.parquet as pq

    assert frame.splits is not None
    name = split_column_name(frame, column)
    record_splits = frame.splits[frame.row_of_record]
    written = []
    for s, split in enumerate(frame.split_names):
        rows = np.flatnonzero(record_splits == s)
        part = frame.table.take(index_array(rows))
        values = constant_strings(split, len(rows))
        if name in part.column_names:
            part = part.set_column(part.column_names.index(name), name, values)
        else:
            part = part.append_column(name, values)
        path = folder / f"{split}.parquet"
        pq.write_table(part, path, compression="zstd")
        written.append(path)
    return written
