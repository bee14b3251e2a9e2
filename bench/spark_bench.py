"""`split --engine spark` against the in-memory engine on a wide table, local mode, 2 cores.

    .venv/bin/python bench/spark_bench.py --rows 10000000 --rows 50000000 --memory-at 10000000

(``--data DIR`` keeps the tables there and reuses them: writing 50M rows takes minutes.)

The table (issue 12): `bench/tagging_data.py`'s shape with 50 classes (groups of 4 rows
dealt at random, Zipf(1.1) class popularity, Poisson(2) + 1 labels a row), written as
wide 0/1 columns ``c00`` .. ``c49`` beside ``id`` and ``patient``, one Parquet file per
10M rows in row groups of 1M, seeded. Each run is a fresh process: its wall time, its
Python driver's peak RSS, and on Spark the JVM's peak RSS and heap setting
(``spark.driver.memory``; in local mode the driver JVM also runs the executors), and
the JVM's CPU time, which a shared machine inflates less than the wall time.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from tagging_data import tagging_table

CLASSES = 50
CHUNK_ROWS = 10_000_000
ROW_GROUP = 1_000_000
JVM_HEAP = "6g"
CORES = 2


def write_wide(n_rows: int, folder: Path, seed: int = 0) -> None:
    """The wide table, one file per `CHUNK_ROWS` rows (each chunk its own patients)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True)
    for part, start in enumerate(range(0, n_rows, CHUNK_ROWS)):
        size = min(CHUNK_ROWS, n_rows - start)
        table = tagging_table(size, CLASSES, seed + part)
        path = folder / f"part-{part:03d}.parquet"
        with pq.ParquetWriter(path, _schema()) as writer:
            for low in range(0, size, ROW_GROUP):
                high = min(low + ROW_GROUP, size)
                dense = table.labels[low:high].toarray().astype(np.int8)
                columns: dict[str, Any] = {
                    "id": pa.array([f"img-{start + i:09d}" for i in range(low, high)]),
                    "patient": pa.array(
                        [f"p{part:02d}-{g:08d}" for g in table.group_index[low:high].tolist()]
                    ),
                }
                columns |= {f"c{k:02d}": dense[:, k] for k in range(CLASSES)}
                writer.write_table(pa.table(columns, schema=_schema()))


def _schema() -> Any:
    import pyarrow as pa

    fields = [pa.field("id", pa.string()), pa.field("patient", pa.string())]
    return pa.schema(fields + [pa.field(f"c{k:02d}", pa.int8()) for k in range(CLASSES)])


def run_spark(data: Path, out: Path) -> dict[str, Any]:
    """In this process: split on Spark (local[2]) and write; time and peak memory."""
    from pyspark.sql import SparkSession

    from splitguard.core.spec import LabelSpec
    from splitguard.spark.run import run_spark_split, write_spark_split
    from splitguard.split.assign import SplitRequest

    spark = (
        SparkSession.builder.master(f"local[{CORES}]")
        .config("spark.driver.memory", JVM_HEAP)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spec = LabelSpec(label_cols=("glob:c*",), id="id", group=("patient",))
    start = time.perf_counter()
    result = run_spark_split(SplitRequest(seed=0), spec, data, spark=spark)
    counted = time.perf_counter() - start
    write_spark_split(result, out, force=False)
    seconds = time.perf_counter() - start
    figures = {
        "seconds": seconds,
        "seconds_to_assignment": counted,
        "python_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "jvm_peak_rss_mb": _children_peak_mb(),
        "jvm_cpu_seconds": _children_cpu_seconds(),
        "jvm_heap": JVM_HEAP,
        "groups": result.table.n_groups,
        "nonzero_cells": result.table.counts.nnz,
    }
    spark.stop()
    return figures


def _children_peak_mb() -> float:
    """Peak RSS (VmHWM) of this process's child processes: the Spark JVM."""
    peak = 0.0
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status")
            if status.exists():
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def _children_cpu_seconds() -> float:
    """CPU time (user + system) of this process's child processes so far: the Spark JVM,
    which does the counting and the writing. On a shared machine it says more than the
    wall time."""
    import os

    ticks = 0
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            stat = Path(f"/proc/{pid}/stat")
            if stat.exists():
                fields = stat.read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


# Runs a command and prints the peak RSS of that command alone (this bench's own
# RUSAGE_CHILDREN would mix in the runs before it).
PEAK_OF = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def measure(command: list[str]) -> dict[str, Any]:
    """A fresh process's wall time and peak RSS (its stdout too)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK_OF, *command], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    return {"seconds": seconds, "peak_rss_mb": peak, "stdout": done.stdout, "stderr": done.stderr}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append", help="rows (repeatable)")
    parser.add_argument("--memory-at", type=int, default=10_000_000, help="in-memory run size")
    parser.add_argument(
        "--data",
        type=Path,
        help="keep the tables in this folder and reuse them in later runs (default: "
        "written to a temporary folder each run)",
    )
    parser.add_argument("--run-spark", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_spark:
        print(json.dumps(run_spark(*args.run_spark)))
        return 0
    python = sys.executable
    splitguard = str(Path(python).with_name("splitguard"))
    for n_rows in args.rows or [10_000_000]:
        with tempfile.TemporaryDirectory(prefix="spark-bench-") as temp:
            data = (args.data or Path(temp)) / f"wide-{n_rows}x{CLASSES}-seed0"
            if (data / "_written").exists():
                print(f"{n_rows:,} rows x {CLASSES} classes: read from {data}")
            else:
                # A folder without the mark is a write that was cut short: written again.
                shutil.rmtree(data, ignore_errors=True)
                start = time.perf_counter()
                write_wide(n_rows, data)
                (data / "_written").touch()
                written = time.perf_counter() - start
                print(f"{n_rows:,} rows x {CLASSES} classes: written in {written:.0f} s")
            spark = measure([python, __file__, "--run-spark", str(data), str(Path(temp) / "s")])
            if not spark["stdout"].strip():
                raise SystemExit(f"the Spark run failed:\n{spark['stderr'][-4000:]}")
            figures = json.loads(spark["stdout"].strip().splitlines()[-1])
            print(
                f"  spark  local[{CORES}]: {figures['seconds']:.0f} s "
                f"({figures['seconds_to_assignment']:.0f} s to the assignment; JVM CPU "
                f"{figures['jvm_cpu_seconds']:.0f} s), python driver "
                f"peak RSS {figures['python_peak_rss_mb']:,.0f} MB, JVM peak RSS "
                f"{figures['jvm_peak_rss_mb']:,.0f} MB (heap -Xmx {figures['jvm_heap']}); "
                f"{figures['groups']:,} groups, {figures['nonzero_cells']:,} nonzero cells"
            )
            if n_rows == args.memory_at:
                command = [splitguard, "split", str(data), "--label-cols", "glob:c*", "--id"]
                command += ["id", "--group", "patient", "--out", str(Path(temp) / "m")]
                memory = measure(command)
                print(
                    f"  memory engine: {memory['seconds']:.0f} s, peak RSS "
                    f"{memory['peak_rss_mb']:,.0f} MB"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
