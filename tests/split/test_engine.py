"""The engine boundary: a frame's `GroupTable` holds what the assignment and the report
need, and measures an assignment as the frame's rows do."""

from __future__ import annotations

import dataclasses

import numpy as np

from splitguard.core.frame import LabelFrame
from splitguard.core.shortfalls import SplitTotals, most_labels
from splitguard.split.assign import SplitRequest, assign, split_frame
from splitguard.split.engine import GroupTable


def test_a_frames_table_counts_its_groups(nih_frame: LabelFrame) -> None:
    table = GroupTable.of_frame(nih_frame)
    assert (table.n_rows, table.n_groups, table.classes) == (
        nih_frame.n_rows,
        nih_frame.n_groups,
        nih_frame.classes,
    )
    counts = nih_frame.group_label_counts
    assert (
        table.counts.toarray() == (counts.toarray() if hasattr(counts, "toarray") else counts)
    ).all()
    assert (table.positives == nih_frame.positives).all()
    per_row = np.asarray(nih_frame.labels.sum(axis=1)).ravel()
    assert table.labels_per_row.tolist() == np.bincount(per_row).tolist()


def test_split_totals_from_counts_equal_those_from_rows(nih_frame: LabelFrame) -> None:
    request = SplitRequest(seed=2)
    table = GroupTable.of_frame(nih_frame)
    group_split = assign(table, request).group_split
    split = split_frame(nih_frame, request, table=table).frame
    assert (split.splits == group_split[nih_frame.groups]).all()
    rows = SplitTotals.of_frame(split)
    counts = table.split_totals(group_split, request.split_names)
    for field in dataclasses.fields(SplitTotals):
        assert np.array_equal(getattr(rows, field.name), getattr(counts, field.name)), field.name


def test_most_labels_sums_the_most_labelled_rows() -> None:
    rng = np.random.default_rng(0)
    per_row = rng.integers(0, 6, size=500)
    histogram = np.bincount(per_row)
    ordered = np.sort(per_row)[::-1]
    for rows in (0, 1, 37, 499, 500, 800):
        assert most_labels(histogram, rows) == int(ordered[:rows].sum())
