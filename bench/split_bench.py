"""Benchmark splitguard's splitter against its peers on NIH ChestX-ray14, and at scale.

    .venv/bin/python bench/split_bench.py            # NIH, 80/10/10, seeds 0-2, medians
    .venv/bin/python bench/split_bench.py --quick    # NIH, seed 0 only
    .venv/bin/python bench/split_bench.py --scale    # also 1M, 3M, 10M synthetic rows
    .venv/bin/python bench/split_bench.py --wide     # also a 190-class, 160k-row table

Every method gets the same rows, labels and patient ids and returns a split per row
(0 train, 1 val, 2 test). Time is the wall time of the split alone (rows in, row splits
out, aggregation included), the median over seeds; peak memory is the tracemalloc peak
of one extra traced run (seed 0), so tracing does not slow the timed runs. The scale runs
each size in a fresh subprocess and report its peak resident memory (VmHWM, reset after
the synthetic table is built, so it covers the split with the table resident).

Columns: LD and LPD (Sechidis et al. 2011; Szymanski & Kajdanowicz 2017: the gap in
positive-to-negative ratio of labels, and of label pairs, lower is better), ED (rows off
the requested sizes), dev (worst relative deviation of a class's positives from its
share, over classes with >= 100 or >= 1000 positives), FLZ (split and label cells with no
positive row) and FLZ pairs (split and label-pair cells with no row positive for both,
over the pairs present), leaked patients, the fewest positives of a class in val and test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shlex
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from splitguard.split.metrics import (
    example_distribution,
    label_distribution,
    label_pair_distribution,
    leaked_groups,
    positives_by_split,
    worst_relative_deviation,
    zero_positive_cells,
    zero_positive_pair_cells,
)
from splitguard.split.pairs import label_pairs
from splitguard.split.sklearn_api import MultilabelStratifiedGroupSplit, group_counts
from splitguard.split.stratify import assign_groups

FRACTIONS = (0.8, 0.1, 0.1)
MIN_POSITIVES = [0, 20, 20]
SCALE_ROWS = (1_000_000, 3_000_000, 10_000_000)
SCALE_CLASSES = 50
ROWS_PER_GROUP = 5
WIDE_ROWS = 160_000
WIDE_CLASSES = 190
WIDE_ROWS_PER_GROUP = 4

Labels = npt.NDArray[np.bool_]
Keys = npt.NDArray[np.str_]
RowSplit = npt.NDArray[np.int64]
Method = Callable[[Labels, Keys, int], RowSplit]


def load_nih() -> tuple[Labels, Keys]:
    """The NIH label matrix (rows x 14 findings) and the patient id of every row."""
    from splitguard.core.example import load_example

    frame = load_example()
    return frame.labels.toarray(), frame.group_names[frame.groups].astype(str)


def splitguard_split(labels: Labels, groups: Keys, seed: int) -> RowSplit:
    splitter = MultilabelStratifiedGroupSplit(
        fractions=FRACTIONS, min_positives=MIN_POSITIVES, seed=seed
    )
    return _row_split(splitter.split_parts(labels, labels, groups), labels.shape[0])


def splitguard_classes_only(labels: Labels, groups: Keys, seed: int) -> RowSplit:
    """splitguard without the label-pair phase (the splitter of version 0.1.0)."""
    counts, sizes, group_index = group_counts(labels, labels, groups)
    assignment = assign_groups(counts, sizes, FRACTIONS, min_positives=MIN_POSITIVES, seed=seed)
    return assignment.group_split[group_index].astype(np.int64)


def random_row_split(labels: Labels, groups: Keys, seed: int) -> RowSplit:
    order = np.random.default_rng(seed).permutation(labels.shape[0])
    cuts = np.round(np.cumsum(FRACTIONS)[:-1] * labels.shape[0]).astype(int)
    return _row_split(tuple(np.split(order, cuts)), labels.shape[0])


def group_shuffle_split(labels: Labels, groups: Keys, seed: int) -> RowSplit:
    from sklearn.model_selection import GroupShuffleSplit

    def stage(test_size: float, rows: npt.NDArray[np.int64]) -> tuple[RowSplit, RowSplit]:
        splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
        keep, held = next(splitter.split(rows, groups=groups[rows]))
        return rows[keep], rows[held]

    rest, test = stage(FRACTIONS[2], np.arange(labels.shape[0]))
    train, val = stage(FRACTIONS[1] / (1 - FRACTIONS[2]), rest)
    return _row_split((train, val, test), labels.shape[0])


def stratified_group_kfold(labels: Labels, groups: Keys, seed: int) -> RowSplit:
    """Ten folds stratified on each row's rarest class; fold 0 is test, fold 1 val."""
    from sklearn.model_selection import StratifiedGroupKFold

    rarity = np.argsort(np.argsort(labels.sum(axis=0)))
    stratum = np.where(labels.any(axis=1), np.where(labels, rarity, labels.shape[1]).argmin(1), -1)
    splitter = StratifiedGroupKFold(n_splits=10, shuffle=True, random_state=seed)
    folds = [test for _, test in splitter.split(labels, stratum, groups)]
    train = np.concatenate(folds[2:])
    return _row_split((train, folds[1], folds[0]), labels.shape[0])


def iterstrat_rows(labels: Labels, groups: Keys, seed: int) -> RowSplit:
    return _iterstrat_two_stage(labels.astype(np.int64), seed)


def iterstrat_patients(labels: Labels, groups: Keys, seed: int) -> RowSplit:
    """iterative-stratification on patients (a patient is positive if any image is)."""
    counts, _, group_index = group_counts(labels, labels, groups)
    return _iterstrat_two_stage((counts > 0).astype(np.int64), seed)[group_index]


def _iterstrat_two_stage(indicator: npt.NDArray[np.int64], seed: int) -> RowSplit:
    from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

    def stage(test_size: float, rows: npt.NDArray[np.int64]) -> tuple[RowSplit, RowSplit]:
        splitter = MultilabelStratifiedShuffleSplit(
            n_splits=1, test_size=test_size, random_state=seed
        )
        keep, held = next(splitter.split(rows, indicator[rows]))
        return rows[keep], rows[held]

    rest, test = stage(FRACTIONS[2], np.arange(indicator.shape[0]))
    train, val = stage(FRACTIONS[1] / (1 - FRACTIONS[2]), rest)
    return _row_split((train, val, test), indicator.shape[0])


def _row_split(parts: tuple[npt.NDArray[np.int64], ...], n_rows: int) -> RowSplit:
    split = np.full(n_rows, -1, dtype=np.int64)
    for index, part in enumerate(parts):
        split[part] = index
    return split


METHODS: dict[str, Method] = {
    "splitguard": splitguard_split,
    "splitguard classes only": splitguard_classes_only,
    "random rows": random_row_split,
    "GroupShuffleSplit x2": group_shuffle_split,
    "StratifiedGroupKFold": stratified_group_kfold,
    "iterstrat rows": iterstrat_rows,
    "iterstrat patients": iterstrat_patients,
}


def measure(method: Method, labels: Labels, groups: Keys, seeds: list[int]) -> dict[str, float]:
    """Median metrics and time over the seeds, plus the traced peak memory of seed 0."""
    runs = []
    for seed in seeds:
        start = time.perf_counter()
        split = method(labels, groups, seed)
        elapsed = time.perf_counter() - start
        runs.append({**quality(labels, groups, split), "time s": elapsed})
    tracemalloc.start()
    method(labels, groups, seeds[0])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    summary = {key: float(np.median([run[key] for run in runs])) for key in runs[0]}
    return {**summary, "peak MB": peak / 2**20}


def quality(labels: Labels, groups: Keys, split: RowSplit) -> dict[str, float]:
    totals = labels.sum(axis=0)
    positives = positives_by_split(labels, split, 3)
    return {
        "LD": label_distribution(labels, split, 3),
        "LPD": label_pair_distribution(labels, split, 3),
        "ED": example_distribution(split, FRACTIONS),
        "dev>=100": worst_relative_deviation(labels[:, totals >= 100], split, FRACTIONS),
        "dev>=1000": worst_relative_deviation(labels[:, totals >= 1000], split, FRACTIONS),
        "FLZ": zero_positive_cells(labels, split, 3),
        "FLZ pairs": zero_positive_pair_cells(labels, split, 3),
        "leaked": leaked_groups(groups, split),
        "min val": int(positives[1].min()),
        "min test": int(positives[2].min()),
    }


FORMATS = {
    "LD": "{:.2e}",
    "LPD": "{:.2e}",
    "ED": "{:.1f}",
    "dev>=100": "{:.2%}",
    "dev>=1000": "{:.2%}",
    "FLZ": "{:.0f}",
    "FLZ pairs": "{:.0f}",
    "leaked": "{:.0f}",
    "min val": "{:.0f}",
    "min test": "{:.0f}",
    "time s": "{:.3f}",
    "peak MB": "{:.0f}",
}


def print_table(results: dict[str, dict[str, float]]) -> None:
    header = ["method", *FORMATS]
    rows = [[name, *(FORMATS[k].format(v[k]) for k in FORMATS)] for name, v in results.items()]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


def synthetic_counts(n_rows: int, seed: int = 0) -> tuple[Labels, npt.NDArray[np.int64]]:
    """Rows in groups of ~5 (geometric sizes), 50 classes with long-tailed prevalence
    (20% down to ~0.1%, a power law) and patient-level clustering of positives."""
    rng = np.random.default_rng(seed)
    sizes = rng.geometric(1 / ROWS_PER_GROUP, size=n_rows // ROWS_PER_GROUP)
    group_index = np.repeat(np.arange(sizes.size), sizes)[:n_rows]
    prevalence = 0.2 * np.arange(1, SCALE_CLASSES + 1, dtype=np.float64) ** -1.3
    propensity = rng.gamma(0.5, 2.0, size=sizes.size)[group_index]
    labels = np.empty((group_index.size, SCALE_CLASSES), dtype=bool)
    for c in range(SCALE_CLASSES):
        labels[:, c] = rng.random(group_index.size) < np.minimum(prevalence[c] * propensity, 1)
    return labels, group_index


def wide_table(seed: int = 0) -> tuple[Labels, Keys]:
    """A PadChest-like list table: 190 classes of Zipf popularity, Poisson(2) + 1 labels
    drawn per row (repeats collapse), groups of ~4 rows (geometric sizes)."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, WIDE_CLASSES + 1)
    wanted = rng.poisson(2.0, size=WIDE_ROWS) + 1
    draws = rng.choice(
        WIDE_CLASSES, size=(WIDE_ROWS, int(wanted.max())), p=popularity / popularity.sum()
    )
    labels = np.zeros((WIDE_ROWS, WIDE_CLASSES), dtype=bool)
    kept = np.arange(draws.shape[1])[None, :] < wanted[:, None]
    labels[np.nonzero(kept)[0], draws[kept]] = True
    sizes = rng.geometric(1 / WIDE_ROWS_PER_GROUP, size=WIDE_ROWS)
    group_index = np.repeat(np.arange(sizes.size), sizes)[:WIDE_ROWS]
    return labels, group_index.astype(str)


def run_wide(seeds: list[int]) -> None:
    labels, groups = wide_table()
    print(
        f"\nwide (synthetic, {WIDE_CLASSES} classes, {labels.shape[0]} rows, "
        f"{np.unique(groups).size} groups, {labels.sum(axis=1).mean():.2f} labels per row):"
    )
    wide_methods = {name: METHODS[name] for name in ("splitguard", "splitguard classes only")}
    _warm_up(labels[:2000], groups[:2000], wide_methods)
    print_table({name: measure(m, labels, groups, seeds) for name, m in wide_methods.items()})


def scale_worker(n_rows: int) -> None:
    """One size, in its own process: build, aggregate, split, report as one JSON line."""
    labels, group_index = synthetic_counts(n_rows)
    _reset_peak_rss()
    start = time.perf_counter()
    counts, sizes, index = group_counts(labels, labels, group_index)
    pairs = label_pairs(labels, index, sizes.size)
    aggregated = time.perf_counter()
    assignment = assign_groups(
        counts, sizes, FRACTIONS, min_positives=MIN_POSITIVES, pairs=pairs, seed=0
    )
    done = time.perf_counter()
    split = assignment.group_split[index].astype(np.int64)
    totals = labels.sum(axis=0)
    rows = np.bincount(split, minlength=3)
    report = {
        "rows": int(labels.shape[0]),
        "groups": int(sizes.size),
        "classes": int(labels.shape[1]),
        "pairs": pairs.n_pairs,
        "aggregate s": aggregated - start,
        "split s": done - aggregated,
        "peak RSS GB": _peak_rss_bytes() / 2**30,
        "labels GB": labels.nbytes / 2**30,
        "dev>=1000": worst_relative_deviation(labels[:, totals >= 1000], split, FRACTIONS),
        "size dev": float(np.abs(rows / rows.sum() - FRACTIONS).max() / min(FRACTIONS)),
        "min test": int(positives_by_split(labels, split, 3)[2].min()),
        "shortfalls": len(assignment.shortfalls),
    }
    print(json.dumps(report))


def _reset_peak_rss() -> None:
    # Linux: writing 5 to clear_refs resets VmHWM, so the peak covers only what follows.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_scale() -> None:
    print("\nscale (synthetic, 50 classes, ~5 rows/group, 80/10/10, min 20 in val/test):")
    for n_rows in SCALE_ROWS:
        command = [sys.executable, __file__, "--scale-worker", str(n_rows)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        report = json.loads(output.strip().splitlines()[-1])
        print("  " + ", ".join(f"{k}={_short(v)}" for k, v in report.items()))


def _short(value: float) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _warm_up(labels: Labels, groups: Keys, methods: dict[str, Method]) -> None:
    """Run every method once on a slice so that no timed run pays an import."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in methods.values():
            method(labels, groups, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seed 0 only")
    parser.add_argument("--scale", action="store_true", help="also run 1M, 3M, 10M rows")
    parser.add_argument("--wide", action="store_true", help="also run a 190-class table")
    parser.add_argument("--scale-worker", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.scale_worker:
        scale_worker(options.scale_worker)
        return
    print("$ " + shlex.join([Path(sys.executable).name, *sys.argv]))
    seeds = [0] if options.quick else [0, 1, 2]
    labels, groups = load_nih()
    print(
        f"NIH ChestX-ray14: {labels.shape[0]} rows, {np.unique(groups).size} patients, "
        f"{labels.shape[1]} classes; 80/10/10, seeds {seeds}, medians; splitguard asks for "
        f">= 20 positives per class in val and test"
    )
    _warm_up(labels[:2000], groups[:2000], METHODS)
    results = {name: measure(method, labels, groups, seeds) for name, method in METHODS.items()}
    print_table(results)
    if options.wide:
        run_wide(seeds)
    if options.scale:
        run_scale()


if __name__ == "__main__":
    main()
