"""`splitguard split` and `splitguard fix` on NIH, end to end (interpreter start included).

Run: .venv/bin/python bench/split_cli_bench.py [--runs N]
Target (issue 4): `splitguard split` end to end under 2 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed_env import installed_env

NIH = Path(__file__).resolve().parents[1] / "splitguard" / "data" / "nih_chestxray14_labels.csv.gz"
NIH_ARGS = [
    "--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
    "--id", "Image Index", "--group", "Patient ID",
]  # fmt: skip
SPLITGUARD = str(Path(sys.executable).with_name("splitguard"))


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=installed_env())
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp(prefix="splitguard-bench-"))
    try:
        split = [SPLITGUARD, "split", str(NIH), *NIH_ARGS, "--min-positives", "val=20,test=20",
                 "--out", str(folder / "out"), "--force"]  # fmt: skip
        timed(split)  # warm the file cache
        split_times = [timed(split) for _ in range(runs)]
        inputs = [f"{s}={folder / 'out' / f'{s}.parquet'}" for s in ("train", "val", "test")]
        fix = [SPLITGUARD, "fix", *inputs, *NIH_ARGS, "--out", str(folder / "fixed"), "--force"]
        fix_times = [timed(fix) for _ in range(runs)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"command: {' '.join(sys.argv)}  (NIH ChestX-ray14, 112,120 rows; {runs} runs)")
    for name, times, target in (
        ("split end to end", split_times, 2.0),
        ("fix end to end", fix_times, None),
    ):
        median = statistics.median(times)
        verdict = "" if target is None else (" PASS" if median < target else " FAIL")
        limit = "" if target is None else f" (target < {target:g} s)"
        print(f"{name:<20} median {median:.3f} s  min {min(times):.3f} s{limit}{verdict}")


if __name__ == "__main__":
    main()
