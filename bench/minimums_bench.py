"""Minimums on NIH ChestX-ray14: split sizes, what train keeps, shortfalls, time.

    .venv/bin/python bench/minimums_bench.py            # seeds 0-2, median time
    .venv/bin/python bench/minimums_bench.py --quick    # seed 0 only

Each request goes through the library as `splitguard split` does (`split_request`,
`split_frame`): percents resolved per class, `--min-classes` applied, the train floor
kept. Time is the wall time of `split_frame` alone (the table already loaded). "train
keeps" is train's smallest share of a class's positive rows (positives in train over the
class's positives), the number the train floor (40% by default) bounds from below.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from splitguard.app.requests import split_request as make_request
from splitguard.core.example import load_example
from splitguard.core.frame import LabelFrame
from splitguard.split.assign import SplitResult, impossible_minimums, split_frame
from splitguard.split.engine import GroupTable

REQUESTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("no minimum", {}),
    ("--min-positives val=20,test=20 (the demo)", {"min-positives": {"val": 20, "test": 20}}),
    ("--min-prevalence test=0.02", {"min-prevalence": {"test": 0.02}}),
    (
        "--min-positives test=50% --min-classes rare",
        {"min-positives": {"test": "50%"}, "min-classes": ("rare",)},
    ),
    ("--min-prevalence test=0.5", {"min-prevalence": {"test": 0.5}}),
    ("--min-positives test=20000", {"min-positives": {"test": 20000}}),
)


def measure(frame: LabelFrame, values: dict[str, Any], seeds: range) -> dict[str, Any]:
    request = make_request({**values, "seed": seeds[0]})
    warned = len(impossible_minimums(GroupTable.of_frame(frame), request))
    times = []
    result: SplitResult | None = None
    for seed in seeds:
        request = make_request({**values, "seed": seed})
        start = time.perf_counter()
        outcome = split_frame(frame, request)
        times.append(time.perf_counter() - start)
        result = result or outcome
    assert result is not None and result.frame.splits is not None
    splits = result.frame.splits
    sizes = np.bincount(splits, minlength=3) / frame.n_rows
    in_train = frame.labels[splits == 0].sum(axis=0) / np.maximum(frame.positives, 1)
    lowest = int(np.argmin(in_train))
    return {
        "sizes": sizes,
        "train_keeps": float(in_train[lowest]),
        "train_lowest_class": frame.classes[lowest],
        "shortfalls": result.shortfalls,
        "warned": warned,
        "seconds": float(np.median(times)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="seed 0 only")
    seeds = range(1) if parser.parse_args().quick else range(3)
    frame = load_example()
    print(f"NIH ChestX-ray14: {frame.n_rows:,} rows, {frame.n_groups:,} patients, 80/10/10")
    print(f"{'request':46} {'train/val/test % rows':>22} {'train keeps':>18} "
          f"{'short':>5} {'warned':>6} {'time':>7}")  # fmt: skip
    for name, values in REQUESTS:
        found = measure(frame, values, seeds)
        sizes = "/".join(f"{100 * s:.2f}" for s in found["sizes"])
        keeps = f"{found['train_keeps']:.1%} {found['train_lowest_class']}"
        print(f"{name:46} {sizes:>22} {keeps:>18} {len(found['shortfalls']):>5} "
              f"{found['warned']:>6} {found['seconds']:>6.2f}s")  # fmt: skip
        for shortfall in found["shortfalls"][:3]:
            print(f"    {shortfall['class']} in {shortfall['split']}: {shortfall['kind']} "
                  f"{shortfall['target']:g} asked, {shortfall['achieved']:.4g} reached "
                  f"({shortfall['reason']})")  # fmt: skip
        if len(found["shortfalls"]) > 3:
            print(f"    and {len(found['shortfalls']) - 3} more")


if __name__ == "__main__":
    main()
