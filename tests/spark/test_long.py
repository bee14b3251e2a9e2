"""`split --engine spark --long COL`: a row per (item, label), split as in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

import splitguard

LONG = {"long": "finding", "id": "image", "group": "patient"}


def long_table() -> pa.Table:
    """300 images with 1 to 3 finding rows each, images in a shuffled row order, a few
    patients missing (each such image then a group of its own)."""
    rng = np.random.default_rng(5)
    images, patients, findings = [], [], []
    for i in range(300):
        for finding in rng.choice(
            ["a", "b", "c", "d", "e"], size=rng.integers(1, 4), replace=False
        ):
            images.append(f"img{i}")
            patients.append(None if i % 97 == 0 else f"p{i // 4}")
            findings.append(str(finding))
    order = rng.permutation(len(images))
    return pa.table(
        {
            "image": pa.array(images).take(order),
            "patient": pa.array(patients, pa.string()).take(order),
            "finding": pa.array(findings).take(order),
        }
    )


def test_a_long_table_splits_alike_on_spark_and_in_memory(
    spark: Any, tmp_path: Path, run: Any
) -> None:
    table = long_table()
    path = tmp_path / "long.parquet"
    pq.write_table(table, path)
    out = tmp_path / "out"
    args = [f"--{key}={value}" for key, value in LONG.items()]
    result = run("split", path, *args, "--engine", "spark", "--seed", 1, "--out", out)
    assert result.code == 0, result.err
    memory = splitguard.split(str(path), **LONG, seed=1)
    written = ds.dataset(out, format="parquet", partitioning="hive", exclude_invalid_files=True)
    found = written.to_table()
    # Every row of the table is written, each with its image's split.
    assert found.num_rows == table.num_rows
    on_spark = sorted(
        zip(
            found["image"].to_pylist(),
            found["finding"].to_pylist(),
            found["split"].to_pylist(),
            strict=True,
        )
    )
    in_memory = sorted(
        zip(memory.table["image"], memory.table["finding"], memory.table["split"], strict=True)
    )
    assert on_spark == in_memory
    report = json.loads((out / "report.json").read_text())
    assert report["input"] == memory.report["input"]
    assert report["input"]["rows"] == 300
    assert report["coverage"] == memory.report["coverage"]
