"""`split --engine spark`: the same split as in memory, written as Parquet by split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

import splitguard
import splitguard.spark
from splitguard.core.errors import OptionError


def read_splits(out: Path) -> pa.Table:
    # The report files beside the split folders are not Parquet: skipped.
    dataset = ds.dataset(out, format="parquet", partitioning="hive", exclude_invalid_files=True)
    return dataset.to_table()


def test_nih_splits_alike_on_spark_and_in_memory(
    spark: Any, nih_parquet: Path, nih_args: tuple[str, ...], tmp_path: Path, run: Any
) -> None:
    out = tmp_path / "out"
    result = run("split", nih_parquet, *nih_args, "--engine", "spark", "--seed", 3, "--out", out)
    assert result.code == 0, result.err
    written = read_splits(out)
    assert written.num_rows == 112_120
    on_spark = dict(
        zip(written["Image Index"].to_pylist(), written["split"].to_pylist(), strict=True)
    )
    memory = splitguard.split(
        splitguard.load_example().table_as_read(),
        labels="Finding Labels",
        sep="|",
        none="No Finding",
        id="Image Index",
        group="Patient ID",
        seed=3,
    ).table
    assert on_spark == dict(zip(memory["Image Index"], memory["split"], strict=True))
    patients = written.group_by("Patient ID").aggregate([("split", "count_distinct")])
    assert patients["split_count_distinct"].to_numpy().max() == 1
    files = {p.name for p in out.iterdir()}
    assert {"report.json", "report.html", "report.md", "manifest.json"} <= files
    assert {"split=train", "split=val", "split=test"} <= files
    assert "does not run the rules" in result.err
    assert "findings on the result: not checked" in result.out
    # The pages say the findings are unknown, not none.
    assert json.loads((out / "report.json").read_text())["checked"] is False
    markdown = (out / "report.md").read_text()
    assert "Not checked: split --engine spark runs no rule" in markdown
    assert "Findings after | none" not in markdown


def test_the_spark_api_adds_a_split_column(spark: Any) -> None:
    rng = np.random.default_rng(0)
    rows = 300
    table = pa.table(
        {
            "patient": [f"p{i % 90}" for i in range(rows)],
            "tags": [
                list(rng.choice(["a", "b", "c"], size=rng.integers(1, 3))) for _ in range(rows)
            ],
        }
    )
    sdf = spark.createDataFrame(table).coalesce(1)
    out = splitguard.spark.split(sdf, labels="tags", group="patient", seed=1)
    assert out.columns == ["patient", "tags", "split"]
    found = out.toArrow()
    memory = splitguard.split(table, labels="tags", group="patient", seed=1).table
    on_spark = zip(found["patient"].to_pylist(), found["split"].to_pylist(), strict=True)
    in_memory = zip(memory["patient"], memory["split"], strict=True)
    assert sorted(on_spark) == sorted(in_memory)
    with pytest.raises(OptionError, match="takes no keyword 'sed'"):
        splitguard.spark.split(sdf, labels="tags", sed=1)
