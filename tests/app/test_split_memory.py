"""The split path in little memory: no rows x classes array from the Parquet file on.

A tagging table of 5,000 classes (bench/tagging_data.py) is read from a Parquet
list<string> column into a frame, split, checked and measured for the report, under
tracemalloc; the peak must stay far below the bool matrix one byte per row and class
would take (1 GB at 200k rows).
"""

from __future__ import annotations

import dataclasses
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest

from splitguard.core.spec import LabelSpec

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from tagging_data import tagging_table, write_parquet

T = TypeVar("T")
CLASSES = 5_000
SPEC = LabelSpec(labels="labels", id="id", group=("patient",))


def tagging_parquet(folder: Path, rows: int) -> Path:
    path = folder / f"tags-{rows}.parquet"
    write_parquet(tagging_table(rows, CLASSES, seed=0), path)
    return path


def traced(run: Callable[[], T]) -> tuple[T, int]:
    """`run()` and the peak of the memory it traced, in bytes."""
    tracemalloc.start()
    try:
        result = run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_50k_rows_of_5000_classes_load_and_measure_in_little_memory(
    tmp_path: Path,
) -> None:
    """The split path but the algorithm and the rules (the test below runs them, in
    minutes): frame, aggregates, class stats, shortfalls and the report's measures."""
    from splitguard.core.class_stats import table_stats
    from splitguard.core.load import load_frame
    from splitguard.core.shortfalls import MinimumSpec, unmet
    from splitguard.report.measure import (
        coverage_entries,
        quality,
        split_entries,
        train_floor_entry,
    )

    path = tagging_parquet(tmp_path, 50_000)
    shares = np.array([0.8, 0.1, 0.1])
    minimums = MinimumSpec({"val": 20, "test": 20}, {}, {})

    classes = 0

    def run() -> tuple[int, float]:
        frame = load_frame(path, SPEC)
        group_split = np.random.default_rng(0).choice(3, size=frame.n_groups, p=shares)
        split = dataclasses.replace(
            frame,
            splits=group_split[frame.groups].astype(np.int32),
            split_names=("train", "val", "test"),
        )
        assert unmet(split, minimums, list(shares))
        table_stats(split)
        split_entries(split, shares)
        coverage = coverage_entries(split, shares, minimums)
        assert train_floor_entry(split, minimums) is not None
        measured = quality(split, shares)
        nonlocal classes
        classes = split.n_classes
        return len(coverage), measured.label_pair_distribution

    (coverage, lpd), peak = traced(run)
    assert coverage == 3 * classes and lpd > 0
    dense_bytes = 50_000 * CLASSES
    assert peak < dense_bytes / 8, f"peak {peak / 2**20:.0f} MiB"


@pytest.mark.slow
def test_splitting_200k_rows_of_5000_classes_end_to_end_stays_far_below_a_dense_matrix(
    tmp_path: Path,
) -> None:
    import splitguard

    path = tagging_parquet(tmp_path, 200_000)
    outcome, peak = traced(
        lambda: splitguard.split(path, labels="labels", id="id", group="patient")
    )
    assert outcome.frame.splits is not None
    assert len(outcome.model.coverage) == 3 * outcome.frame.n_classes
    dense_bytes = 200_000 * CLASSES
    assert peak < dense_bytes / 8, f"peak {peak / 2**20:.0f} MiB"
