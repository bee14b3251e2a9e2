"""`split --engine spark --keep DIR`: the earlier split's groups stay, as in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

import splitguard
import splitguard.spark

TAGS = {"labels": "tags", "sep": "|", "id": "image", "group": "patient"}


def tagged(rows: int) -> pa.Table:
    rng = np.random.default_rng(0)
    return pa.table(
        {
            "image": [f"img{i}" for i in range(rows)],
            "patient": [f"p{i // 3}" for i in range(rows)],
            "tags": ["|".join(rng.choice(["a", "b", "c", "d"], size=2)) for _ in range(rows)],
        }
    )


def splits_of(table: pa.Table) -> dict[str, str]:
    return dict(zip(table["image"].to_pylist(), table["split"].to_pylist(), strict=True))


def test_keep_on_spark_keeps_the_groups_memory_keeps(spark: Any, tmp_path: Path, run: Any) -> None:
    table = tagged(600)
    path = tmp_path / "rows.parquet"
    pq.write_table(table, path)
    earlier = tmp_path / "earlier"
    splitguard.split(table.slice(0, 360), **TAGS, seed=4).write(earlier)
    out = tmp_path / "out"
    args = [f"--{key}={value}" for key, value in TAGS.items()]
    result = run("split", path, *args, "--engine", "spark", "--keep", earlier, "--out", out)
    assert result.code == 0, result.err
    memory = splitguard.split(str(path), **TAGS, keep=str(earlier))
    written = ds.dataset(out, format="parquet", partitioning="hive", exclude_invalid_files=True)
    on_spark = splits_of(written.to_table())
    assert on_spark == dict(zip(memory.table["image"], memory.table["split"], strict=True))
    report = json.loads((out / "report.json").read_text())
    assert report["keep"] == memory.report["keep"]
    assert report["keep"]["kept_groups"] == 120
    assert report["request"]["keep"] == str(earlier)
    # A Spark split's output (split=NAME folders) is an earlier split too.
    grown = spark.createDataFrame(tagged(900)).coalesce(1)
    again = splitguard.spark.split(grown, **TAGS, seed=9, keep=str(out)).toArrow()
    found = splits_of(again)
    assert {image: found[image] for image in on_spark} == on_spark
