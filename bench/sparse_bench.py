"""The splitter on many classes: time, memory and quality on NIH and on tagging tables.

    .venv/bin/python bench/sparse_bench.py                 # every table, 3 runs each
    .venv/bin/python bench/sparse_bench.py --runs 5 --only nih padchest
    .venv/bin/python bench/sparse_bench.py --cli           # also `splitguard split` end to end
    .venv/bin/python bench/sparse_bench.py --runs 1 --only "1M x 5000" --cli

Tables (issue 11): NIH ChestX-ray14 (14 classes, dense labels from the loader), and the
seeded tagging tables of `tagging_data` (groups of 4 rows, Zipf(1.1) classes, Poisson(2)
+ 1 labels per row) handed over as a scipy.sparse CSR matrix: the PadChest-like 160k x
192 list table, 200k x 1,000 and 1M x 5,000. Every split asks what the demo asks: 80/10/10,
20 positives of every class in val and test, a positive group of every class in every
split, label pairs balanced (`assign_rows`).

Each table runs in a fresh process: the time is the median of ``--runs`` splits (the
algorithm alone: row labels in, group splits out), with its process CPU time (a fairer
figure on a busy machine); the tracemalloc peak comes from one more, traced, run; peak
RSS (VmHWM, reset once the table is built) covers the untraced runs. Quality: LD
(Sechidis et al. 2011, lower is better) and the worst relative deviation of a class's
positives from its share, over classes with >= 1000 positives (below, the minimum of 20
in val and test raises a class's targets above its share, by design);
``missing`` counts the (split, class) cells without a positive among the classes that
have at least 3 positive groups (none may be missing on 1M x 5,000). With ``--cli``,
`splitguard split` runs end to end on the Parquet files of the 200k x 1,000 and 1M x
5,000 tables (and on NIH's CSV), interpreter start included. The 1M x 5,000 table takes
minutes: ``--only`` the others leaves it out.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
from installed_env import installed_env
from tagging_data import tagging_table, write_parquet

FRACTIONS = [0.8, 0.1, 0.1]
OPTIONS: dict[str, Any] = {
    "min_positives": [0, 20, 20],
    "min_positive_groups": [1, 1, 1],
    "train": 0,
}
# Name: (rows, classes, target in seconds for the algorithm, or None).
TABLES: dict[str, tuple[int, int, float | None]] = {
    "nih": (112_120, 14, None),
    "padchest": (160_000, 192, 1.0),
    "200k x 1000": (200_000, 1_000, None),
    "1M x 5000": (1_000_000, 5_000, None),
}
# Today's split algorithm on NIH (issue 11): 0.09-0.13 s.
NIH_TODAY = 0.13
CLI_TARGETS = {"nih": 2.0, "200k x 1000": 6.0, "1M x 5000": 45.0}
# Tables where every class with >= 3 positive groups must be in every split (issue 11).
COVERAGE_TARGETS = {"1M x 5000"}
NIH = Path(__file__).resolve().parents[1] / "splitguard" / "data" / "nih_chestxray14_labels.csv.gz"
NIH_ARGS = [
    "--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
    "--id", "Image Index", "--group", "Patient ID",
]  # fmt: skip
TAGGING_ARGS = ["--labels", "labels", "--id", "id", "--group", "patient"]
SPLIT_ARGS = ["--fractions", "train=0.8,val=0.1,test=0.1", "--min-positives", "val=20,test=20"]


def load(name: str) -> tuple[Any, np.ndarray]:
    """Row labels (dense for NIH, CSR otherwise) and every row's group number."""
    if name == "nih":
        from splitguard.core.example import load_example

        frame = load_example()
        return frame.labels, frame.groups
    n_rows, n_classes, _ = TABLES[name]
    table = tagging_table(n_rows, n_classes, seed=0)
    return table.labels, table.group_index


def worker(name: str, runs: int) -> None:
    """One table in this process: time, peaks and quality as one JSON line."""
    from splitguard.split.metrics import label_distribution, positives_by_split
    from splitguard.split.stratify import assign_rows

    labels, groups = load(name)

    def split(seed: int) -> Any:
        return assign_rows(labels, groups, FRACTIONS, seed=seed, **OPTIONS)

    _reset_peak_rss()
    times, cpu = [], []
    for seed in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = split(seed)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    rss = _peak_rss_bytes()
    tracemalloc.start()
    split(0)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    row_split = result.group_split[groups].astype(np.int64)
    positives = positives_by_split(labels, row_split, 3)
    totals = positives.sum(axis=0)
    targets = np.asarray(FRACTIONS)[:, None] * totals
    counted = totals >= 1000
    deviation = np.abs(positives - targets)[:, counted] / targets[:, counted]
    report = {
        "table": name,
        "rows": int(labels.shape[0]),
        "classes": int(labels.shape[1]),
        "groups": int(groups.max()) + 1,
        "median s": statistics.median(times),
        "min s": min(times),
        "cpu s": statistics.median(cpu),
        "tracemalloc MB": traced / 2**20,
        "peak RSS MB": rss / 2**20,
        "LD": label_distribution(labels, row_split, 3),
        "dev>=1000": float(deviation.max()) if deviation.size else 0.0,
        "missing": _missing_cells(labels, groups, row_split),
        "shortfalls": len(result.shortfalls),
        "reachable": _reachable_shortfalls(result.shortfalls, labels, groups),
    }
    print(json.dumps(report))


def _missing_cells(labels: Any, groups: np.ndarray, row_split: np.ndarray) -> int:
    """(split, class) cells without a positive, over classes with >= 3 positive groups."""
    from splitguard.split.counts import from_rows
    from splitguard.split.metrics import positives_by_split

    carriers = from_rows(labels, groups, int(groups.max()) + 1).carrier_counts
    present = positives_by_split(labels, row_split, 3) > 0
    return int((~present[:, carriers >= 3]).sum())


def _reachable_shortfalls(shortfalls: Any, labels: Any, groups: np.ndarray) -> int:
    """Shortfalls of classes whose positive rows fit every split's minimum beside the
    train floor (40%): the ones the data and the floor allow."""
    from splitguard.split.counts import from_rows

    totals = from_rows(labels, groups, int(groups.max()) + 1).totals
    beside_train = totals - np.ceil(0.4 * totals - 1e-9)
    fits = beside_train >= sum(OPTIONS["min_positives"][1:])
    return sum(1 for shortfall in shortfalls if fits[shortfall.class_index])


def run_table(name: str, runs: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", name, "--runs", str(runs)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed:\n{done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def run_cli(name: str, runs: int, folder: Path) -> list[dict[str, float]]:
    """`splitguard split` end to end on the table's file, ``runs`` times after a warm-up:
    per run its wall and CPU (user + sys) seconds, peak RSS and the shortfalls
    report.json lists."""
    if name == "nih":
        source, args = NIH, NIH_ARGS
    else:
        n_rows, n_classes, _ = TABLES[name]
        source = folder / f"{name.replace(' ', '')}.parquet"
        write_parquet(tagging_table(n_rows, n_classes, seed=0), source)
        args = TAGGING_ARGS
    splitguard = str(Path(sys.executable).with_name("splitguard"))
    out = folder / "out"
    command = [splitguard, "split", str(source), *args, *SPLIT_ARGS]
    command += ["--out", str(out), "--force"]
    figures = []
    for run in range(runs + 1):
        errors = folder / "stderr.txt"
        with errors.open("w") as stderr:
            started = time.perf_counter()
            child = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=stderr, env=installed_env()
            )
            # wait4 gives this child's own CPU and peak RSS (RUSAGE_CHILDREN adds up runs).
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1):
            raise SystemExit(f"{shlex.join(command)} failed:\n{errors.read_text()}")
        if run:  # the first run warms the file cache
            report = json.loads((out / "report.json").read_text())
            figures.append(
                {
                    "wall": wall,
                    "cpu": usage.ru_utime + usage.ru_stime,
                    "rss": usage.ru_maxrss * 1024 / 2**30,
                    "shortfalls": float(len(report["shortfalls"])),
                }
            )
    return figures


def _reset_peak_rss() -> None:
    # Linux: writing 5 to clear_refs resets VmHWM, so the peak covers only what follows.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_bytes() -> int:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def verdict(seconds: float, target: float | None) -> str:
    if target is None:
        return ""
    return f" (target < {target:g} s: {'met' if seconds < target else 'NOT met'})"


def coverage(name: str, missing: int) -> str:
    if name not in COVERAGE_TARGETS:
        return ""
    return f" (target 0: {'met' if missing == 0 else 'NOT met'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=sorted(TABLES), default=list(TABLES))
    parser.add_argument("--cli", action="store_true", help="also `splitguard split` end to end")
    parser.add_argument("--worker", choices=sorted(TABLES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.runs)
        return
    print(f"command: {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"split algorithm (assign_rows), median of {args.runs} seeds, one process per table:")
    for name in args.only:
        report = run_table(name, args.runs)
        target = NIH_TODAY if name == "nih" else TABLES[name][2]
        print(
            f"  {name:<12} {report['rows']:>9,} rows {report['classes']:>5} classes "
            f"{report['groups']:>8,} groups: median {report['median s']:.2f} s "
            f"(min {report['min s']:.2f}, CPU {report['cpu s']:.2f})"
            f"{verdict(report['median s'], target)}, "
            f"tracemalloc peak {report['tracemalloc MB']:.0f} MB, "
            f"peak RSS {report['peak RSS MB']:.0f} MB"
        )
        print(
            f"  {'':<12} LD {report['LD']:.2e}, worst deviation (>= 1000 positives) "
            f"{report['dev>=1000']:.2%}, cells missing a class with >= 3 positive groups: "
            f"{report['missing']}{coverage(name, report['missing'])}, "
            f"shortfalls: {report['shortfalls']:,} ({report['reachable']:,} in classes whose "
            "positives fit every minimum beside the train floor)"
        )
    if args.cli:
        print(f"`splitguard split` end to end, median of {args.runs} runs:")
        print(f"  command: splitguard split TABLE ... {shlex.join(SPLIT_ARGS)} --out OUT")
        with tempfile.TemporaryDirectory(prefix="splitguard-sparse-") as folder:
            for name in [n for n in args.only if n in CLI_TARGETS]:
                figures = run_cli(name, args.runs, Path(folder))
                median = {key: statistics.median(f[key] for f in figures) for key in figures[0]}
                print(
                    f"  {name:<12} wall {median['wall']:.2f} s"
                    f"{verdict(median['wall'], CLI_TARGETS[name])}, "
                    f"CPU {median['cpu']:.2f} s, peak RSS {median['rss']:.2f} GB, "
                    f"shortfalls {median['shortfalls']:,.0f}"
                )


if __name__ == "__main__":
    main()
