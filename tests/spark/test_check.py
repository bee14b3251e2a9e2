"""`check` with Spark: the in-memory check's findings from Spark's counts, a leak caught.

NIH split by patient is written as `split` writes its output (`DIR/split=NAME/` Parquet
parts); a leaky split (by image) of a slice of NIH as one Parquet folder per split.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from spark_findings import NIH, counted

import splitguard
import splitguard.spark
from splitguard.core.errors import OptionError

SPLITS = ("train", "val", "test")
# Asks enough to give SG304, SG305 and SG306 findings besides SG401.
ASKED = {"min_positives": "test=300", "fractions": "train=0.7,val=0.1,test=0.2"}


def split_of(table: pa.Table, *, leaky: bool) -> np.ndarray:
    """80/10/10 by patient, or (leaky) by image."""
    key = np.arange(table.num_rows)
    if not leaky:
        key = np.asarray(table.column("Patient ID")).astype(np.int64)
    bucket = (key * 7919) % 10
    return np.where(bucket < 8, 0, np.where(bucket == 8, 1, 2))


def write_parts(table: pa.Table, folder: Path) -> None:
    folder.mkdir(parents=True)
    half = table.num_rows // 2
    pq.write_table(table.slice(0, half), folder / "part-0.parquet")
    pq.write_table(table.slice(half), folder / "part-1.parquet")


@pytest.fixture(scope="module")
def nih_table() -> pa.Table:
    return splitguard.load_example().table_as_read()


@pytest.fixture(scope="module")
def partitioned(nih_table: pa.Table, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("check") / "splits"
    split = split_of(nih_table, leaky=False)
    for index, name in enumerate(SPLITS):
        write_parts(nih_table.filter(pa.array(split == index)), folder / f"split={name}")
    return folder


def test_check_engine_spark_gives_the_in_memory_findings(
    spark: Any, partitioned: Path, run: Any
) -> None:
    args = [f"--{key.replace('_', '-')}={value}" for key, value in {**NIH, **ASKED}.items()]
    result = run("check", partitioned, "--engine", "spark", "--format", "json", *args)
    found = json.loads(result.out)
    expected = splitguard.check(str(partitioned), split_col="split", **NIH, **ASKED)
    assert counted(found["findings"]) == counted(expected.result.as_dict()["findings"])
    codes = {f.code for f in expected.findings}
    assert codes == {"SG304", "SG305", "SG306", "SG401"}
    assert result.code == expected.exit_status == 1
    sample = found["summary"]["sample"]
    assert (sample["rows"], sample["of_rows"], sample["of_groups"]) == (100_000, 112_120, 30_805)
    assert "SG105" in sample["rules"] and "SG306" not in sample["rules"]
    # The findings name the split's folder, as the in-memory check names its file.
    test_finding = next(f for f in found["findings"] if f["location"].get("split") == "test")
    assert test_finding["location"]["file"] == str(partitioned / "split=test")


def test_a_leak_is_caught_with_its_groups_and_rows(
    spark: Any, nih_table: pa.Table, tmp_path: Path
) -> None:
    table = nih_table.slice(0, 4_000)
    split = split_of(table, leaky=True)
    paths = []
    for index, name in enumerate(SPLITS):
        write_parts(table.filter(pa.array(split == index)), tmp_path / name)
        paths.append((name, str(tmp_path / name)))
    frames = [(name, spark.read.parquet(path)) for name, path in paths]
    found = splitguard.spark.check(frames, **NIH)
    expected = splitguard.check(paths, **NIH)
    on_spark, in_memory = found.result.as_dict(), expected.result.as_dict()
    assert counted(on_spark["findings"]) == counted(in_memory["findings"])
    leak = next(f for f in found.findings if f.code == "SG201")
    memory = next(f for f in expected.findings if f.code == "SG201")
    assert leak.location.groups == memory.location.groups
    assert (leak.location.file, leak.location.n_rows) == (
        "Spark DataFrame 'val'",
        memory.location.n_rows,
    )
    assert len(leak.location.row_ids) == 10
    assert found.exit_status == 1
    # The whole table fits the sample: every rule read every row, and the summary says so.
    assert found.result.sampled_rules == ()
    assert found.result.summary()["sample"]["rows"] == 4_000


def test_the_report_pages_are_refused(partitioned: Path) -> None:
    with pytest.raises(OptionError, match="--html is not written with --engine spark"):
        splitguard.spark.check(str(partitioned), html="report.html", **NIH)


@pytest.fixture(scope="module")
def faulty_wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wide table with label cells no policy allows: '?' and '2' in a text column,
    -1 (uncertain, an error by default) in a number column, far apart in the rows."""
    rows = 2_000
    text = np.where(np.arange(rows) % 2 == 0, "1", "0").astype(object)
    text[[5, 1_500, 1_900]] = ["?", "2", "?"]
    number = (np.arange(rows) % 3 == 0).astype(np.int64)
    number[[10, 1_200]] = -1
    path = tmp_path_factory.mktemp("faulty") / "wide.parquet"
    pq.write_table(
        pa.table(
            {
                "image": [f"img{i}" for i in range(rows)],
                "patient": [f"p{i // 4}" for i in range(rows)],
                "Edema": pa.array(text.tolist(), pa.string()),
                "Mass": number,
                "Nodule": (np.arange(rows) % 5 == 0).astype(np.int64),
            }
        ),
        path,
    )
    return path


WIDE = {"label_cols": "Edema,Mass,Nodule", "id": "image", "group": "patient"}


def faults(findings: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (f["message"], f["location"]["column"], f["location"]["n_rows"], f["location"]["row_ids"])
        for f in findings
        if f["code"] == "SG105"
    ]


def test_bad_wide_cells_are_sg105_findings_on_spark_as_in_memory(
    spark: Any, faulty_wide: Path, run: Any
) -> None:
    args = ["--label-cols", "Edema,Mass,Nodule", "--id", "image", "--group", "patient"]
    result = run("check", faulty_wide, "--engine", "spark", "--format", "json", *args)
    assert result.code == 1, result.err
    found = faults(json.loads(result.out)["findings"])
    expected = faults(splitguard.check(str(faulty_wide), **WIDE).result.as_dict()["findings"])
    assert found == expected
    assert [f[:3] for f in found] == [
        (
            "column 'Edema' has 3 rows with a label value the shape and policies do not allow "
            "('2', '?').",
            "Edema",
            3,
        ),
        (
            "column 'Mass' has 2 rows with a label value the shape and policies do not allow (-1).",
            "Mass",
            2,
        ),
    ]


def test_bad_cells_outside_the_sample_are_counted_and_shown(spark: Any, faulty_wide: Path) -> None:
    from splitguard.core.spec import LabelSpec
    from splitguard.lint.engine import lint
    from splitguard.spark.lint import sampled_table

    spec = LabelSpec(label_cols=("Edema", "Mass", "Nodule"), id="image", group=("patient",))
    table = sampled_table(str(faulty_wide), spec, sample_rows=40, seed=1)
    # Every bad row's group is in the sample, beside the few sampled groups.
    assert table.sample.rows < 80
    found = faults(lint(table).as_dict()["findings"])
    assert [(f[1], f[2], sorted(f[3])) for f in found] == [
        ("Edema", 3, ["img1500", "img1900", "img5"]),
        ("Mass", 2, ["img10", "img1200"]),
    ]
