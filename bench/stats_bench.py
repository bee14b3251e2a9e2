"""`splitguard stats` on tagging tables, and NIH stats/check/split, as whole processes.

    .venv/bin/python bench/stats_bench.py                  # the issue 11 stats targets
    .venv/bin/python bench/stats_bench.py --nih            # NIH stats, check and split too
    .venv/bin/python bench/stats_bench.py --nih --against /tmp/main/.venv/bin/splitguard

Each command runs under `/usr/bin/time -v` (interpreter start included), `--runs` times
after one warm-up run (with `--against`, the two installs' runs in turn); the medians of
wall time, CPU time (user + system) and peak resident memory (max RSS) are printed with
the command. The tables are the seeded ones of bench/tagging_data.py, written once to
`--data` (kept between runs): 1M rows x 5,000 classes and 200k x 1,000 as Parquet
list<string>, and 10M rows x 50 classes as wide 0/1 columns. `--against` runs every
command with another install too (main's, say).
Targets (issue 11, 2 cores): 1M x 5,000 `stats` under 10 s; 10M x 50 no worse than main.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from installed_env import installed_env
from tagging_data import tagging_table, write_parquet, write_wide_parquet

SPLITGUARD = str(Path(sys.executable).with_name("splitguard"))
NIH = Path(__file__).resolve().parents[1] / "splitguard" / "data" / "nih_chestxray14_labels.csv.gz"
NIH_ARGS = [
    "--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
    "--id", "Image Index", "--group", "Patient ID",
]  # fmt: skip
STATS_TARGET = 10.0  # seconds, 1M x 5,000 `stats` end to end


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    rows: int
    classes: int
    wide: bool
    target: float | None = None

    def path(self, folder: Path) -> Path:
        kind = "wide" if self.wide else "list"
        return folder / f"tags-{kind}-{self.rows}x{self.classes}-seed0.parquet"

    def args(self, folder: Path) -> list[str]:
        labels = ["--label-cols", "glob:class-*"] if self.wide else ["--labels", "labels"]
        return [str(self.path(folder)), *labels, "--id", "id", "--group", "patient"]


TABLES = (
    Table("1M x 5,000 list", 1_000_000, 5_000, wide=False, target=STATS_TARGET),
    Table("200k x 1,000 list", 200_000, 1_000, wide=False),
    Table("10M x 50 wide", 10_000_000, 50, wide=True),
)


@dataclass(frozen=True, slots=True)
class Measured:
    wall: float
    cpu: float
    rss_gb: float
    stderr: str = ""


def measured(command: list[str], *, keep_stderr: bool = False) -> Measured:
    """One run of `command` under /usr/bin/time -v (with the command's stderr, if kept)."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        capture_output=True,
        text=True,
        check=False,
        env=installed_env(),
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")

    def field(name: str) -> str:
        found = re.search(rf"{re.escape(name)}: (.+)", done.stderr)
        if found is None:
            raise SystemExit(f"/usr/bin/time printed no {name!r}:\n{done.stderr[-2000:]}")
        return found.group(1).strip()

    minutes, _, seconds = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").rpartition(":")
    wall = float(seconds) + 60 * sum(
        float(part) * 60**i for i, part in enumerate(reversed(minutes.split(":"))) if part
    )
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss_gb = int(field("Maximum resident set size (kbytes)")) / 2**20
    return Measured(wall, cpu, rss_gb, done.stderr if keep_stderr else "")


def medians(commands: list[list[str]], runs: int) -> list[Measured]:
    """The medians of each command, the commands' runs taken in turn (so that a change
    in the machine's load falls on all of them alike)."""
    for command in commands:
        measured(command)  # warm the file cache
    results = [[measured(command) for command in commands] for _ in range(runs)]
    return [
        Measured(
            statistics.median(r[i].wall for r in results),
            statistics.median(r[i].cpu for r in results),
            statistics.median(r[i].rss_gb for r in results),
        )
        for i in range(len(commands))
    ]


def line(what: str, result: Measured, target: float | None = None) -> str:
    verdict = ""
    if target is not None:
        verdict = f"  (target < {target:g} s) {'PASS' if result.wall < target else 'FAIL'}"
    return (
        f"{what:<44} wall {result.wall:7.2f} s  cpu {result.cpu:7.2f} s  "
        f"max RSS {result.rss_gb:5.2f} GB{verdict}"
    )


def make_tables(folder: Path, tables: tuple[Table, ...]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        path = table.path(folder)
        if not path.exists():
            write = write_wide_parquet if table.wide else write_parquet
            write(tagging_table(table.rows, table.classes, seed=0), path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "sg-tags")
    parser.add_argument("--nih", action="store_true", help="also NIH stats, check and split")
    parser.add_argument("--no-tables", action="store_true", help="leave out the tagging tables")
    parser.add_argument("--against", help="another splitguard executable to run each command")
    args = parser.parse_args()
    installs = [("this", SPLITGUARD)] + ([("against", args.against)] if args.against else [])
    print(f"command: {' '.join(sys.argv)}  (medians of {args.runs} runs after a warm-up)")
    tables = () if args.no_tables else TABLES
    make_tables(args.data, tables)
    for table in tables:
        commands = [[executable, "stats", *table.args(args.data)] for _, executable in installs]
        for (label, _), result in zip(installs, medians(commands, args.runs), strict=True):
            print(line(f"stats {table.name} [{label}]", result, table.target))
    if not args.nih:
        return
    out = Path(tempfile.mkdtemp(prefix="sg-stats-bench-"))
    nih_commands = {
        "stats": ["stats", str(NIH), *NIH_ARGS],
        "check": ["check", str(NIH), *NIH_ARGS],
        "split": ["split", str(NIH), *NIH_ARGS, "--out", str(out / "split"), "--force"],
    }
    for name, command in nih_commands.items():
        runs = medians([[executable, *command] for _, executable in installs], args.runs)
        for (label, _), result in zip(installs, runs, strict=True):
            print(line(f"NIH {name} [{label}]", result))


if __name__ == "__main__":
    main()
