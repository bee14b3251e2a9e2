"""How long writing report.html and report.md adds to `split` on NIH, and how big and
slow the report is at thousands of classes.

Each run is a fresh process (matplotlib's import is part of the cost): it builds the
NIH report dict untimed, then times importing the report writer and writing both
files, as `split` does after its splits and report.json are on disk.

    .venv/bin/python bench/report_bench.py [--runs 7] [--classes 5000 --rows 20000]

Prints the median and the spread of the runs; the budget is 1 s. With --classes, also
the report of a tagging table (bench/tagging_data.py, declared with every class) of
that many classes: the time to write the CSVs and both pages (median of --runs runs in
one process, the import already paid), and each file's size (report.html's budget: 2 MB).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from installed_env import installed_env

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 1.0
HTML_BUDGET_BYTES = 2_000_000

ONE_RUN = """
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {fixtures!r})
from report.nih_report import nih_manifest, nih_report
from splitguard.core.example import load_example


report, manifest = nih_report(load_example()), nih_manifest()
with tempfile.TemporaryDirectory() as out:
    start, cpu = time.perf_counter(), time.process_time()
    from splitguard.report.split_page import write_split_reports

    write_split_reports(Path(out), report, manifest)
    print(time.perf_counter() - start, time.process_time() - cpu)
"""


def one_run() -> tuple[float, float]:
    code = ONE_RUN.format(fixtures=str(ROOT / "tests"))
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=installed_env(),
    )
    wall, cpu = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


MANY_CLASSES = """
import statistics, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {fixtures!r})
from report.tagging_report import tagging_outcome
from splitguard.core.io.write import atomic_write_bytes
from splitguard.report.class_csv import report_csvs
from splitguard.report.split_page import write_split_reports

with tempfile.TemporaryDirectory() as folder:
    outcome = tagging_outcome(Path(folder), {rows}, {classes})
    out = Path(folder) / "out"
    out.mkdir()
    times = []
    for _ in range({runs}):
        start = time.process_time()
        for name, text in report_csvs(outcome.model).items():
            atomic_write_bytes(out / name, text.encode("utf-8"))
        write_split_reports(out, outcome.model, {{}})
        times.append(time.process_time() - start)
    print("cpu", statistics.median(times), min(times), max(times))
    for path in sorted(out.iterdir()):
        print("size", path.name, path.stat().st_size)
"""


def many_classes(rows: int, classes: int, runs: int) -> None:
    code = MANY_CLASSES.format(fixtures=str(ROOT / "tests"), rows=rows, classes=classes, runs=runs)
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=installed_env(),
    )
    print(f"report of a {rows:,}-row tagging table with {classes:,} classes:")
    for line in done.stdout.strip().splitlines():
        kind, *values = line.split()
        if kind == "cpu":
            median, low, high = (float(value) for value in values)
            print(
                f"  CSVs + report.md + report.html, cpu median {median:.3f} s, "
                f"min {low:.3f} s, max {high:.3f} s ({runs} runs)"
            )
        else:
            name, size = values[0], int(values[1])
            verdict = ""
            if name == "report.html":
                within = "within" if size < HTML_BUDGET_BYTES else "OVER"
                verdict = f" (budget {HTML_BUDGET_BYTES / 1e6:.0f} MB: {within})"
            print(f"  {name:18} {size / 1e6:7.3f} MB{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--classes", type=int, help="also a tagging table of this many classes")
    parser.add_argument("--rows", type=int, default=20_000, help="rows of that table")
    args = parser.parse_args()
    runs = args.runs
    runs_done = [one_run() for _ in range(runs)]
    shape = f" --classes {args.classes} --rows {args.rows}" if args.classes else ""
    print(f"command: {sys.executable} bench/report_bench.py --runs {runs}{shape}")
    print(f"report.html + report.md on NIH (import included), {runs} fresh processes:")
    # CPU time too: on a busy machine wall time measures the neighbours as well.
    for name, times in (("wall", [r[0] for r in runs_done]), ("cpu", [r[1] for r in runs_done])):
        times.sort()
        median = statistics.median(times)
        verdict = "within" if median < BUDGET_SECONDS else "OVER"
        print(
            f"  {name:4} median {median:.3f} s, min {times[0]:.3f} s, max {times[-1]:.3f} s "
            f"(budget {BUDGET_SECONDS:.1f} s: {verdict})"
        )
    if args.classes:
        many_classes(args.rows, args.classes, runs)


if __name__ == "__main__":
    main()
