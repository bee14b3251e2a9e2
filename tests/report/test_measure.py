"""The per-split figures of report.json (and of the `check` report), measured on a frame."""

from __future__ import annotations

import numpy as np
from report.nih_report import hash_split

from splitguard.core.frame import LabelFrame
from splitguard.report.measure import actual_shares, coverage_entries, size_histogram, split_entries


def test_histogram_bins_cover_every_size_once() -> None:
    sizes = np.array([1, 1, 2, 3, 5, 6, 10, 11, 20, 21, 50, 51, 184])
    histogram = size_histogram(sizes)
    assert histogram == {
        "1": 2, "2": 1, "3-5": 2, "6-10": 2, "11-20": 2, "21-50": 2, "51+": 2,
    }  # fmt: skip
    assert sum(histogram.values()) == len(sizes)


def test_entries_add_up(nih_frame: LabelFrame) -> None:
    frame = hash_split(nih_frame)
    shares = actual_shares(frame)
    assert abs(shares.sum() - 1) < 1e-12
    splits = split_entries(frame, shares)
    assert [split.name for split in splits] == ["train", "val", "test"]
    assert sum(split.rows for split in splits) == frame.n_rows
    # The hash split is per patient: no group in two splits.
    assert sum(split.groups for split in splits) == frame.n_groups
    for split in splits:
        assert sum(split.group_size_histogram.values()) == split.groups
    coverage = coverage_entries(frame, shares, {"positives": [0, 20, 20]})
    assert len(coverage) == frame.n_classes * 3
    for index, name in enumerate(frame.classes):
        entries = [entry for entry in coverage if entry.label == name]
        assert sum(entry.positives for entry in entries) == frame.positives[index]
        assert abs(sum(entry.target for entry in entries) - frame.positives[index]) < 1e-6
        assert [entry.minimum for entry in entries] == [0, 20, 20]
        positive = frame.labels.toarray()[:, index]
        in_split = [frame.groups[(frame.splits == s) & positive] for s in range(3)]
        assert [e.positive_groups for e in entries] == [len(np.unique(g)) for g in in_split]


def test_a_leaked_group_counts_in_both_splits(nih_frame: LabelFrame) -> None:
    import dataclasses

    frame = hash_split(nih_frame)
    assert frame.splits is not None
    splits = frame.splits.copy()
    first_group_rows = np.flatnonzero(frame.groups == frame.groups[0])
    splits[first_group_rows[0]] = (splits[first_group_rows[0]] + 1) % 3
    leaky = dataclasses.replace(frame, splits=splits)
    entries = split_entries(leaky, actual_shares(leaky))
    assert sum(e.groups for e in entries) == frame.n_groups + (len(first_group_rows) > 1)
