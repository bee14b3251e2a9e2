"""`split --engine spark --long COL`: a row per (item, label), split as in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from spark_findings import counted

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
    memory = splitguard.split(str(path), **LONG, seed=1)
    # The images without a patient are an SG104 error, on the sample as in memory.
    assert result.code == memory.exit_status == 1, result.err
    assert "SG104 error: 10 rows without a group key" in result.out
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


@pytest.fixture(scope="module")
def long_nih(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 NIH images as a long table (a row per finding, rows shuffled) with an old
    split by image (patients leak) in `split`."""
    nih = splitguard.load_example().table_as_read().slice(0, 3_000)
    images, patients, findings, splits = [], [], [], []
    names = ("train", "val", "test")
    for i, (image, patient, labels) in enumerate(
        zip(
            nih["Image Index"].to_pylist(),
            nih["Patient ID"].to_pylist(),
            nih["Finding Labels"].to_pylist(),
            strict=True,
        )
    ):
        for finding in labels.split("|"):
            images.append(image)
            patients.append(patient)
            findings.append(finding)
            splits.append(names[(i * 7919) % 3])
    order = np.random.default_rng(1).permutation(len(images))
    table = pa.table(
        {"image": images, "patient": patients, "finding": findings, "split": splits}
    ).take(order)
    path = tmp_path_factory.mktemp("long") / "long_nih.parquet"
    pq.write_table(table, path)
    return path


NIH_LONG = {"long": "finding", "id": "image", "group": "patient", "none": "No Finding"}


def test_check_and_fix_read_long_labels_as_in_memory(
    spark: Any, long_nih: Path, tmp_path: Path, run: Any
) -> None:
    args = [f"--{key}={value}" for key, value in {**NIH_LONG, "split-col": "split"}.items()]
    checked = run("check", long_nih, *args, "--engine", "spark", "--format", "json")
    expected = splitguard.check(str(long_nih), **NIH_LONG, split_col="split")
    found = json.loads(checked.out)
    assert counted(found["findings"]) == counted(expected.result.as_dict()["findings"])
    assert any(f["code"] == "SG201" for f in found["findings"])
    assert checked.code == expected.exit_status == 1

    out = tmp_path / "out"
    result = run("fix", long_nih, *args, "--engine", "spark", "--seed", 2, "--out", out)
    memory = splitguard.fix(str(long_nih), **NIH_LONG, split_col="split", seed=2)
    assert result.code == memory.exit_status, result.err
    report = json.loads((out / "report.json").read_text())
    assert report["moves"] == memory.report["moves"]
    assert report["input"] == memory.report["input"]
    for when in ("findings_before", "findings_after"):
        assert counted(report[when]) == counted(memory.report[when])
    written = ds.dataset(out, format="parquet", partitioning="hive", exclude_invalid_files=True)
    rows = written.to_table()
    on_spark = sorted(zip(rows["image"].to_pylist(), rows["split"].to_pylist(), strict=True))
    in_memory = sorted(zip(memory.table["image"], memory.table["split"], strict=True))
    assert on_spark == in_memory
