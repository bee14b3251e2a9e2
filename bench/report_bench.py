"""How long writing report.html and report.md adds to `split` on NIH.

Each run is a fresh process (matplotlib's import is part of the cost): it builds the
NIH report dict untimed, then times importing the report writer and writing both
files, as `split` does after its splits and report.json are on disk.

    .venv/bin/python bench/report_bench.py [--runs 7]

Prints the median and the spread of the runs; the budget is 1 s.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    runs_done = [one_run() for _ in range(runs)]
    print(f"command: {sys.executable} bench/report_bench.py --runs {runs}")
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


if __name__ == "__main__":
    main()
