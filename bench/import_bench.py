"""Benchmark: `python -c "import splitguard"` in a fresh process, and what it loads.

Run: .venv/bin/python bench/import_bench.py [--runs N]

A pre-commit hook and a notebook pay this on every start, so the package loads its
heavy modules (numpy, pyarrow, pandas, click, rich) on first use, never at import.
Prints the median wall time of N runs of each, and judges what the import adds to
python's own start-up (`python -c pass`) against the target, 50 ms: the start-up is
the machine's, not splitguard's (it grows tenfold on a busy machine).
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from installed_env import installed_env

TARGET = 0.050  # seconds
IMPORT = [sys.executable, "-c", "import splitguard"]
BARE = [sys.executable, "-c", "pass"]


def median_times(commands: list[list[str]], runs: int) -> list[float]:
    """The median wall time of each command; runs interleaved, so load drifts hit all alike."""
    env = installed_env()
    for command in commands:  # warm the bytecode and the disk cache
        subprocess.run(command, check=True, env=env)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, taken in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, check=True, env=env)
            taken.append(time.perf_counter() - start)
    return [statistics.median(taken) for taken in times]


def loaded_modules() -> list[str]:
    code = "import sys, splitguard; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env=installed_env(),
    )
    heavy = ("numpy", "pyarrow", "pandas", "click", "rich", "pandera", "matplotlib", "sklearn")
    return [m for m in done.stdout.split() if m.split(".")[0] in heavy]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(f"$ {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"{args.runs} runs each, median wall time")
    imported, bare = median_times([IMPORT, BARE], args.runs)
    added = imported - bare
    verdict = "PASS" if added < TARGET else "FAIL"
    print(f"{shlex.join(['python', *IMPORT[1:]]):<36} {imported * 1000:>7.1f} ms")
    print(f"{shlex.join(['python', *BARE[1:]]):<36} {bare * 1000:>7.1f} ms")
    print(f"{'what the import adds':<36} {added * 1000:>7.1f} ms  (target < 50 ms)  {verdict}")
    heavy = loaded_modules()
    print(f"heavy modules loaded by the import: {', '.join(heavy) or 'none'}")
    return 0 if added < TARGET and not heavy else 1


if __name__ == "__main__":
    raise SystemExit(main())
