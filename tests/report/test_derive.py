"""Per-split figures derived from a frame with splits (the `check` report's input)."""

from __future__ import annotations

import numpy as np
from report.nih_report import hash_split

from splitguard.frame import LabelFrame
from splitguard.report.derive import coverage_entries, group_size_histogram, split_summaries


def test_histogram_bins_cover_every_size_once() -> None:
    sizes = np.array([1, 1, 2, 3, 5, 6, 10, 11, 20, 21, 50, 51, 184])
    histogram = group_size_histogram(sizes)
    assert histogram == {
        "1": 2, "2": 1, "3-5": 2, "6-10": 2, "11-20": 2, "21-50": 2, "51+": 2,
    }  # fmt: skip
    assert sum(histogram.values()) == len(sizes)


def test_summaries_and_coverage_add_up(nih_frame: LabelFrame) -> None:
    frame = hash_split(nih_frame)
    splits = split_summaries(frame)
    assert [split["name"] for split in splits] == ["train", "val", "test"]
    assert sum(split["rows"] for split in splits) == frame.n_rows
    # The hash split is per patient: no group in two splits.
    assert sum(split["groups"] for split in splits) == frame.n_groups
    for split in splits:
        assert sum(split["group_size_histogram"].values()) == split["groups"]
    coverage = coverage_entries(frame)
    assert len(coverage) == frame.n_classes * 3
    for index, name in enumerate(frame.classes):
        entries = [entry for entry in coverage if entry["class"] == name]
        assert sum(entry["positives"] for entry in entries) == frame.positives[index]
        assert abs(sum(entry["target"] for entry in entries) - frame.positives[index]) < 1e-6


def test_a_frame_without_splits_has_no_split_figures(nih_frame: LabelFrame) -> None:
    assert split_summaries(nih_frame) == [] and coverage_entries(nih_frame) == []
