"""Turn the rows a rule flags into a finding's location: samples, totals, split, file, line.

A finding whose rows lie in one file names that file and the place of its first row
there (`line` in a CSV file, `row` in a Parquet one), so that a pull request can attach
it to the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.core.arrays import sorted_unique
from splitguard.core.shapes.registry import frame_shape
from splitguard.lint.findings import sample

if TYPE_CHECKING:
    from splitguard.core.counts import LeakedGroups
    from splitguard.core.frame import LabelFrame


def frame_rows(frame: LabelFrame, rows: np.ndarray) -> dict[str, Any]:
    """Location fields for frame rows `rows` (sorted frame row numbers)."""
    return _located(frame, rows, records_of(frame, rows))


def table_rows(frame: LabelFrame, records: np.ndarray) -> dict[str, Any]:
    """Location fields for table rows `records` (for the long shape, several per frame row)."""
    return _located(frame, sorted_unique(frame.row_of_record[records]), np.sort(records))


def leaked_rows(frame: LabelFrame, records: np.ndarray) -> dict[str, Any]:
    """Location fields for a leak over table rows `records`, named in an evaluation split.

    A leak is fixed, and looked for in review, where it does harm: in a split that
    measures the model. The rows named are those of the first split other than train
    (the split named `train`, else the first; every split for folds) that holds leaked
    rows (sampled in `row_ids`, counted in `n_rows`, the first in `line` or `row`); the
    groups are all the leaked groups.
    """
    from splitguard.core.shortfalls import train_index

    records = np.sort(records)
    rows = sorted_unique(frame.row_of_record[records])
    where = _located(frame, rows, records)
    if frame.splits is None or not len(rows):
        return where
    train = train_index(frame.split_names)
    held = frame.splits[frame.row_of_record[records]]
    evaluation = [s for s in sorted_unique(held).tolist() if s != train]
    if not evaluation:
        return where
    in_split = records[held == evaluation[0]]
    named = _located(frame, sorted_unique(frame.row_of_record[in_split]), in_split)
    for key in ("file", "line", "row"):
        where.pop(key, None)
        if key in named:
            where[key] = named[key]
    where["row_ids"], where["n_rows"] = named["row_ids"], named["n_rows"]
    return where


def leaked_groups(
    frame: LabelFrame, leaks: LeakedGroups, split_names: tuple[str, ...]
) -> dict[str, Any]:
    """Location fields for leaked groups counted by an engine, as `leaked_rows` names them:
    every leaked group, and the rows of the first evaluation split holding some (their
    count, and the first row of each group there where the engine gave it)."""
    from splitguard.core.shortfalls import train_index

    where: dict[str, Any] = {"groups": sample(leaks.names), "n_groups": len(leaks)}
    train = train_index(split_names)
    # A leaked group is in two splits or more: one of them is not train.
    split = next(int(s) for s in np.flatnonzero(leaks.rows_by_split.sum(axis=0)) if s != train)
    in_split = leaks.rows_by_split[:, split] > 0
    where["n_rows"] = int(leaks.rows_by_split[:, split].sum())
    if len(leaks.first_rows):
        where["row_ids"] = sample(leaks.first_rows[in_split, split])
    return {**where, **split_file(frame, split_names[split])}


def split_file(frame: LabelFrame, split: str) -> dict[str, Any]:
    """Location fields naming the file of split `split`, where one file holds it."""
    paths = {source.path for source in frame.sources if source.split == split}
    if not paths and len(frame.sources) == 1:
        paths = {frame.sources[0].path}
    return {"file": paths.pop()} if len(paths) == 1 else {}


def records_of(frame: LabelFrame, rows: np.ndarray) -> np.ndarray:
    """The table rows of frame rows `rows` (the long shape has several per frame row)."""
    if frame_shape(frame).one_row_per_item:
        return rows
    return np.flatnonzero(np.isin(frame.row_of_record, rows))


def _located(frame: LabelFrame, rows: np.ndarray, records: np.ndarray) -> dict[str, Any]:
    groups = sorted_unique(frame.groups[rows])
    where: dict[str, Any] = {
        "row_ids": sample(frame.row_ids[rows[:10]]),
        "n_rows": len(rows),
        "groups": sample(frame.group_names[groups[:10]]) if frame.has_groups else (),
        "n_groups": len(groups),
    }
    if frame.splits is not None and len(rows):
        present = sorted_unique(frame.splits[rows])
        if len(present) == 1:
            where["split"] = frame.split_names[int(present[0])]
    if not len(records):
        return where
    starts = np.array([source.start for source in frame.sources])
    index = sorted_unique(np.searchsorted(starts, records, side="right") - 1)
    if len(index) == 1:
        where.update(_first_row(frame, int(index[0]), int(records[0])))
    return where


def _first_row(frame: LabelFrame, index: int, record: int) -> dict[str, Any]:
    """The file of source `index`, and the place in it of table row `record`."""
    from splitguard.core.io.lines import place_of

    source = frame.sources[index]
    where: dict[str, Any] = {"file": source.path}
    if source.in_memory:
        return where  # a table in memory, or an engine's sample: no place in a file
    place = place_of(source.path, record - source.start, frame.spec.encoding)
    if place is not None:
        where[place.kind] = place.number
    return where
