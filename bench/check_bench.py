"""Benchmark `splitguard check` on NIH ChestX-ray14 with three split files, all rules.

    .venv/bin/python bench/check_bench.py              # 7 runs each, medians
    .venv/bin/python bench/check_bench.py --runs 15

End to end: the wall time of `splitguard check train=... val=... test=...` as a fresh
process (interpreter start, imports, reading the files, rules, output), for a leaky
random row split and a clean patient split, from CSV and from Parquet files.
Rules alone: `lint(frame, {})` in this process on a loaded frame, each run with fresh
aggregates. Schema-dirty: the same split with one empty patient id, so the schema rules
must call pandera (its import included: a fresh process).
Targets: end to end under 1.0 s, rules alone under 0.2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from installed_env import installed_env

from splitguard.core.example import NIH_SPEC, example_path

OPTIONS = [
    "--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
    "--id", "Image Index", "--group", "Patient ID",
]  # fmt: skip
SPLITS = ("train", "val", "test")


def write_splits(folder: Path, assignment: np.ndarray, suffix: str, table: object) -> list[str]:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    arguments = []
    for index, split in enumerate(SPLITS):
        part = table.filter(assignment == index)  # type: ignore[attr-defined]
        path = folder / f"{split}.{suffix}"
        if suffix == "csv":
            pacsv.write_csv(part, path)
        else:
            pq.write_table(part, path)
        arguments.append(f"{split}={path}")
    return arguments


def end_to_end(arguments: list[str], runs: int) -> tuple[float, int]:
    command = [str(Path(sys.executable).with_name("splitguard")), "check", *arguments, *OPTIONS]
    times, status = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        status = subprocess.run(
            command, capture_output=True, check=False, env=installed_env()
        ).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), status


def rules_alone(arguments: list[str], runs: int) -> float:
    from splitguard.core.load import load_frame
    from splitguard.lint.engine import lint

    inputs = [tuple(a.split("=", 1)) for a in arguments]
    frame = load_frame(inputs, NIH_SPEC, strict=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        lint(frame)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {"Patient ID": pa.string(), "Image Index": pa.string()}
    table = pacsv.read_csv(example_path(), convert_options=pacsv.ConvertOptions(column_types=types))
    rng = np.random.default_rng(0)
    by_row = np.searchsorted([0.8, 0.9], rng.random(table.num_rows), side="right")
    patients = np.array(table.column("Patient ID").to_pylist(), dtype=str)
    _, patient_index = np.unique(patients, return_inverse=True)
    by_patient = np.searchsorted([0.8, 0.9], rng.random(patient_index.max() + 1), side="right")
    dirty = table.set_column(
        3, "Patient ID", pa.array([None, *patients[1:].tolist()], type=pa.string())
    )

    print(f"splitguard check, NIH ChestX-ray14 ({table.num_rows:,} rows), median of {runs} runs")
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        cases: list[tuple[str, list[str]]] = []
        for name, assignment, source in (
            ("leaky row split", by_row, table),
            ("clean patient split", by_patient[patient_index], table),
            ("schema-dirty (pandera)", by_row, dirty),
        ):
            for suffix in ("csv", "parquet"):
                folder = root / f"{len(cases)}"
                folder.mkdir()
                cases.append(
                    (f"{name}, {suffix}", write_splits(folder, assignment, suffix, source))
                )
        for label, arguments in cases:
            seconds, status = end_to_end(arguments, runs)
            print(f"  end to end   {label:<34} {seconds:6.3f} s  (exit {status})")
        for label, arguments in cases[:4]:
            print(f"  rules alone  {label:<34} {rules_alone(arguments, runs):6.3f} s")


if __name__ == "__main__":
    main()
