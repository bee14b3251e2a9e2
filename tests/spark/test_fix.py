"""`fix --engine spark`: the in-memory repair of the same splits, written as Parquet by split.

NIH split by image (so most patients leak) is written as `split --engine spark` writes
its output (`DIR/split=NAME/` Parquet parts) and repaired on Spark and in memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from spark_findings import NIH, counted

import splitguard

SPLITS = ("train", "val", "test")


def leaky_split(n_rows: int) -> np.ndarray:
    """80/10/10 by image: a patient's images land in several splits."""
    bucket = (np.arange(n_rows) * 7919) % 10
    return np.where(bucket < 8, 0, np.where(bucket == 8, 1, 2))


def read_splits(out: Path) -> pa.Table:
    dataset = ds.dataset(out, format="parquet", partitioning="hive", exclude_invalid_files=True)
    return dataset.to_table()


# A slice keeps the suite quick; the whole table runs with the slow tests.
@pytest.mark.parametrize(
    "rows", [20_000, pytest.param(None, marks=pytest.mark.slow, id="all-rows")]
)
def test_a_leaked_nih_split_is_repaired_alike_on_spark_and_in_memory(
    spark: Any, tmp_path: Path, run: Any, rows: int | None
) -> None:
    table = splitguard.load_example().table_as_read()
    table = table if rows is None else table.slice(0, rows)
    split = leaky_split(table.num_rows)
    folder = tmp_path / "leaky"
    files = {}
    for index, name in enumerate(SPLITS):
        part = table.filter(pa.array(split == index))
        (folder / f"split={name}").mkdir(parents=True)
        half = part.num_rows // 2
        pq.write_table(part.slice(0, half), folder / f"split={name}" / "part-0.parquet")
        pq.write_table(part.slice(half), folder / f"split={name}" / "part-1.parquet")
        files[name] = part
    out = tmp_path / "out"
    args = [f"--{key}={value}" for key, value in NIH.items()]
    result = run("fix", folder, *args, "--engine", "spark", "--seed", 2, "--out", out)
    memory = splitguard.fix(files, **NIH, seed=2)
    assert result.code == memory.exit_status == 0, result.err
    found = json.loads((out / "report.json").read_text())
    expected = memory.report
    assert found["moves"] == expected["moves"]
    assert found["moves_summary"] == expected["moves_summary"]
    assert found["moves_summary"]["groups"] > table.num_rows / 20
    assert found["coverage"] == expected["coverage"]
    assert found["quality"] == expected["quality"]
    # The rules ran on the input and on the result, as in memory.
    for when in ("findings_before", "findings_after"):
        assert counted(found[when]) == counted(expected[when])
    # A finding names a file or folder that exists, or none: the result's rows come from
    # several inputs, and the sample does not say which (the folder given holds them all).
    named = {f["location"]["file"] for f in found["findings_after"]} - {None}
    assert named and all(Path(file).exists() for file in named), named
    assert any(f["code"] == "SG201" for f in found["findings_before"])
    written = read_splits(out)
    on_spark = dict(
        zip(written["Image Index"].to_pylist(), written["split"].to_pylist(), strict=True)
    )
    in_memory = memory.table
    assert on_spark == dict(zip(in_memory["Image Index"], in_memory["split"], strict=True))
    patients = written.group_by("Patient ID").aggregate([("split", "count_distinct")])
    assert patients["split_count_distinct"].to_numpy().max() == 1
    # The input's columns, its old split replaced by the new one.
    assert written.column_names == [*table.column_names, "split"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["engine"] == "spark"
    assert "moved: " in result.out
    assert "findings on the result: " in result.out


@pytest.fixture
def small_splits(tmp_path: Path) -> Path:
    """A 300-row table with its old split in `part` and a leaked patient in each split."""
    rng = np.random.default_rng(0)
    rows = 300
    path = tmp_path / "small.parquet"
    pq.write_table(
        pa.table(
            {
                "patient": [f"p{i % 90}" for i in range(rows)],
                "tags": ["|".join(rng.choice(["a", "b", "c"], size=2)) for _ in range(rows)],
                "part": [SPLITS[i % 3] for i in range(rows)],
            }
        ),
        path,
    )
    return path


def test_split_col_names_the_old_split_and_stays_beside_the_new(
    spark: Any, small_splits: Path, tmp_path: Path, run: Any
) -> None:
    out = tmp_path / "out"
    args = ["--labels", "tags", "--sep", "|", "--group", "patient", "--split-col", "part"]
    result = run("fix", small_splits, *args, "--engine", "spark", "--fewest-moves", "--out", out)
    assert result.code == 0, result.err
    memory = splitguard.fix(
        str(small_splits),
        labels="tags",
        sep="|",
        group="patient",
        split_col="part",
        fewest_moves=True,
    )
    written = read_splits(out)
    assert written.column_names == ["patient", "tags", "part", "split"]
    on_spark = zip(written["patient"].to_pylist(), written["split"].to_pylist(), strict=True)
    in_memory = zip(memory.table["patient"], memory.table["split"], strict=True)
    assert sorted(on_spark) == sorted(in_memory)
    report = json.loads((out / "report.json").read_text())
    assert report["moves"] == memory.report["moves"]
    assert report["moves_summary"]["mode"] == "fewest-moves"


def test_a_table_without_splits_is_refused(
    spark: Any, small_splits: Path, tmp_path: Path, run: Any
) -> None:
    args = ["--labels", "tags", "--sep", "|", "--group", "patient", "--engine", "spark"]
    result = run("fix", small_splits, *args, "--out", tmp_path / "out")
    assert result.code == 2
    assert "fix repairs existing splits" in result.err
    assert not (tmp_path / "out").exists()


def test_findings_on_a_result_of_several_inputs_name_no_joined_file(
    spark: Any, small_splits: Path, tmp_path: Path, run: Any
) -> None:
    # One file per split: the repaired splits mix their rows, and the sample of the
    # result does not keep which file a row came from. Before, such a finding named
    # the three paths joined by commas, which is no file.
    table = pq.read_table(small_splits)
    # A class on one row: the imbalance rules find it wherever it lands.
    tags = table["tags"].to_pylist()
    table = table.set_column(1, "tags", pa.array(["z", *tags[1:]]))
    inputs = []
    for name in SPLITS:
        path = tmp_path / f"{name}.parquet"
        pq.write_table(table.filter(pa.compute.equal(table["part"], name)).drop(["part"]), path)
        inputs.append(f"{name}={path}")
    out = tmp_path / "out"
    args = ["--labels", "tags", "--sep", "|", "--group", "patient", "--engine", "spark"]
    result = run("fix", *inputs, *args, "--fail-on", "info", "--out", out)
    report = json.loads((out / "report.json").read_text())
    assert report["findings_after"], result.out
    assert all(f["location"]["file"] is None for f in report["findings_after"])
    before = {f["location"]["file"] for f in report["findings_before"]} - {None}
    assert before and before <= {str(tmp_path / f"{name}.parquet") for name in SPLITS}
