"""Turn the rows a rule flags into a finding's location: samples, totals, split, file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.core.shapes.registry import frame_shape
from splitguard.lint.findings import sample

if TYPE_CHECKING:
    from splitguard.core.frame import LabelFrame


def frame_rows(frame: LabelFrame, rows: np.ndarray) -> dict[str, Any]:
    """Location fields for frame rows `rows` (sorted frame row numbers)."""
    groups = np.unique(frame.groups[rows])
    where: dict[str, Any] = {
        "row_ids": sample(frame.row_ids[rows[:10]]),
        "n_rows": len(rows),
        "groups": sample(frame.group_names[groups[:10]]) if frame.has_groups else (),
        "n_groups": len(groups),
    }
    if frame.splits is not None and len(rows):
        present = np.unique(frame.splits[rows])
        if len(present) == 1:
            where["split"] = frame.split_names[int(present[0])]
    sources = _sources_of(frame, rows)
    if len(sources) == 1:
        where["file"] = sources.pop()
    return where


def table_rows(frame: LabelFrame, records: np.ndarray) -> dict[str, Any]:
    """Location fields for table rows `records` (for the long shape, several per frame row)."""
    return frame_rows(frame, np.unique(frame.row_of_record[records]))


def _sources_of(frame: LabelFrame, rows: np.ndarray) -> set[str]:
    if len(frame.sources) == 1 or not len(rows):
        return {frame.sources[0].path} if len(rows) else set()
    several = not frame_shape(frame).one_row_per_item
    records = np.flatnonzero(np.isin(frame.row_of_record, rows)) if several else rows
    starts = np.array([source.start for source in frame.sources])
    index = np.searchsorted(starts, records, side="right") - 1
    return {frame.sources[int(i)].path for i in np.unique(index)}
