"""Benchmark: the NIH label table to a label frame, in every label shape; and `--help`.

Run: .venv/bin/python bench/load_bench.py [--runs N]

Writes the NIH table converted into each label shape (CSV.gz and Parquet) to a
temporary folder, then reports the median wall time of N loads of each, and the wall
time of `splitguard --help` in a fresh process, with PASS/FAIL against the targets:
NIH CSV.gz to frame under 0.5 s, `splitguard --help` under 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from installed_env import installed_env

from splitguard.core.example import NIH_SPEC, example_path
from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec

ENV = installed_env()

LOAD_TARGET = 0.5  # seconds, NIH CSV.gz -> frame
HELP_TARGET = 0.3  # seconds, `splitguard --help`
SHARED = Path("/work/shared/data/nih_chestxray14_labels.csv.gz")
ID, PATIENT, LABELS = "Image Index", "Patient ID", "Finding Labels"
NONE = ("No Finding",)


def write_csv_gz(table: pa.Table, path: Path) -> Path:
    with pa.CompressedOutputStream(str(path), "gzip") as stream:
        pacsv.write_csv(table, stream)
    return path


def shapes(frame: LabelFrame, folder: Path) -> dict[str, tuple[Path, Path, LabelSpec]]:
    """label shape -> (CSV.gz, Parquet, spec) holding the NIH table in that shape."""
    ids = frame.row_ids.tolist()
    patients = frame.group_names[frame.groups].tolist()
    dense = frame.labels.toarray()  # NIH: 14 classes
    rows, cols = np.nonzero(dense)
    lists: list[list[str]] = [[] for _ in ids]
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        lists[row].append(frame.classes[col])
    base = {ID: pa.array(ids, pa.string()), PATIENT: pa.array(patients, pa.string())}
    keys = {"id": ID, "group": (PATIENT,)}
    long_rows = [
        (i, p, name) for i, p, row in zip(ids, patients, lists, strict=True) for name in row or NONE
    ]
    long_ids, long_patients, findings = (list(c) for c in zip(*long_rows, strict=True))
    wide = {name: dense[:, j].astype(np.int8) for j, name in enumerate(frame.classes)}
    tables = {
        "delimited": (
            pa.table({**base, LABELS: ["|".join(r) or NONE[0] for r in lists]}),
            pa.table({**base, LABELS: ["|".join(r) or NONE[0] for r in lists]}),
            LabelSpec(labels=LABELS, sep="|", none=NONE, **keys),  # type: ignore[arg-type]
        ),
        "list": (  # CSV: JSON list strings; Parquet: list<string>
            pa.table({**base, LABELS: [json.dumps(r) for r in lists]}),
            pa.table({**base, LABELS: pa.array(lists, pa.list_(pa.string()))}),
            LabelSpec(labels=LABELS, **keys),  # type: ignore[arg-type]
        ),
        "wide": (
            pa.table({**base, **wide}),
            pa.table({**base, **wide}),
            LabelSpec(label_cols=tuple(wide), **keys),  # type: ignore[arg-type]
        ),
        "long": (
            pa.table({ID: long_ids, PATIENT: long_patients, "Finding": findings}),
            pa.table({ID: long_ids, PATIENT: long_patients, "Finding": findings}),
            LabelSpec(long="Finding", none=NONE, **keys),  # type: ignore[arg-type]
        ),
    }
    out = {}
    for name, (csv_table, parquet_table, spec) in tables.items():
        csv_path = write_csv_gz(csv_table, folder / f"{name}.csv.gz")
        parquet_path = folder / f"{name}.parquet"
        pq.write_table(parquet_table, parquet_path)
        out[name] = (csv_path, parquet_path, spec)
    return out


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def help_time(runs: int) -> float:
    script = Path(sys.executable).with_name("splitguard")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "splitguard"]
    subprocess.run(
        [*command, "--help"], check=True, capture_output=True, env=ENV
    )  # warm the disk cache
    return median_time(
        lambda: subprocess.run([*command, "--help"], check=True, capture_output=True, env=ENV), runs
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (median)")
    args = parser.parse_args()
    source = SHARED if SHARED.is_file() else example_path()
    print(f"$ {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"input: {source} ({args.runs} runs each, median wall time)")

    reference = load_frame(source, NIH_SPEC)
    rows: list[tuple[str, float, float | None]] = []
    shipped = median_time(lambda: load_frame(source, NIH_SPEC), args.runs)
    rows.append(("NIH CSV.gz (as shipped) -> frame", shipped, LOAD_TARGET))
    with tempfile.TemporaryDirectory() as folder:
        for name, (csv_path, parquet_path, spec) in shapes(reference, Path(folder)).items():
            for kind, path in (("CSV.gz", csv_path), ("Parquet", parquet_path)):
                frame = load_frame(path, spec)
                if (frame.labels != reference.labels).nnz:
                    raise SystemExit(f"{name} {kind}: the label matrix differs from NIH's")
                seconds = median_time(partial(load_frame, path, spec), args.runs)
                target = LOAD_TARGET if kind == "CSV.gz" else None
                rows.append((f"{name:<9} {kind:<7} -> frame", seconds, target))
    rows.append(("splitguard --help (subprocess)", help_time(args.runs), HELP_TARGET))

    failed = False
    print(f"{'case':<36} {'median s':>9}  {'target':>7}  result")
    for case, seconds, target in rows:
        if target is None:
            verdict, shown = "-", "-"
        else:
            verdict = "PASS" if seconds < target else "FAIL"
            failed |= verdict == "FAIL"
            shown = f"<{target:g}"
        print(f"{case:<36} {seconds:>9.3f}  {shown:>7}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
