"""`split --engine spark`: the same split as in memory, written as Parquet by split."""

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
    asked = ("--seed", 3, "--fail-on", "info")
    result = run("split", nih_parquet, *nih_args, "--engine", "spark", *asked, "--out", out)
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
        fail_on="info",
    )
    table = memory.table
    assert on_spark == dict(zip(table["Image Index"], table["split"], strict=True))
    patients = written.group_by("Patient ID").aggregate([("split", "count_distinct")])
    assert patients["split_count_distinct"].to_numpy().max() == 1
    files = {p.name for p in out.iterdir()}
    assert {"report.json", "report.html", "report.md", "manifest.json"} <= files
    assert {"split=train", "split=val", "split=test"} <= files
    # The rules ran on the result: those that read counts on the counts of every row,
    # with the in-memory findings and exit status (--fail-on).
    report = json.loads((out / "report.json").read_text())
    assert counted(report["findings_after"]) == counted(memory.report["findings_after"])
    assert counted(report["findings_after"])
    assert result.code == memory.exit_status == 1, result.err
    # The others on a sample of whole groups, which the report and the console name.
    assert report["sample"]["rules"] and "SG201" not in report["sample"]["rules"]
    assert report["sample"]["of_rows"] == 112_120
    assert 90_000 < report["sample"]["rows"] <= 100_000
    said = f"ran on a sample of {report['sample']['rows']:,} of 112,120 rows"
    assert said in (out / "report.md").read_text()
    assert said in " ".join(result.out.split())
    assert "findings on the result: " in result.out


def test_the_spark_api_adds_a_split_column(spark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The rows with their split and nothing else: no rules run, no report is made.
    for skipped in (
        "splitguard.spark.lint.result_findings",
        "splitguard.spark.report.counts_report",
    ):
        monkeypatch.setattr(skipped, lambda *args, **kwargs: pytest.fail("ran"))
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


def test_split_col_and_classes_as_in_memory(
    spark: Any, tmp_path: Path, run: Any, nih_args: tuple[str, ...]
) -> None:
    """An NIH slice with its old split (by image: patients leak) in `split`, and the
    classes declared in reverse order: the same split, findings before and after."""
    table = splitguard.load_example().table_as_read().slice(0, 8_000)
    old = np.array(["train", "val", "test"])[(np.arange(table.num_rows) * 7919) % 3]
    table = table.append_column("split", pa.array(old))
    source = tmp_path / "nih.parquet"
    pq.write_table(table, source)
    classes = sorted(splitguard.load_example().classes, reverse=True)
    keywords = {**NIH, "split_col": "split", "classes": classes, "seed": 4}
    memory = splitguard.split(str(source), **keywords)
    out = tmp_path / "out"
    listed = ",".join(classes)
    args = ("--split-col", "split", "--config", f"classes={listed}", "--seed", 4)
    result = run("split", source, *nih_args, *args, "--engine", "spark", "--out", out)
    assert result.code == memory.exit_status, result.err
    written = read_splits(out)
    assert sorted(written.column_names) == sorted(table.column_names)
    on_spark = zip(written["Image Index"].to_pylist(), written["split"].to_pylist(), strict=True)
    expected = memory.table
    assert dict(on_spark) == dict(zip(expected["Image Index"], expected["split"], strict=True))
    report = json.loads((out / "report.json").read_text())
    assert report["input"]["classes"] == classes
    assert report["coverage"] == memory.report["coverage"]
    for when in ("findings_before", "findings_after"):
        assert counted(report[when]) == counted(memory.report[when])
    assert any(f["code"] == "SG201" for f in report["findings_before"])
    assert not any(f["code"] == "SG201" for f in report["findings_after"])
    options = json.loads((out / "manifest.json").read_text())["options"]
    assert options["split-col"] == "split" and list(options["classes"]) == classes


def test_column_names_with_backticks_dots_and_spaces_pass_through(
    spark: Any, tmp_path: Path, run: Any
) -> None:
    # Spark reads a backtick inside a quoted column name only doubled.
    rng = np.random.default_rng(0)
    rows = 300
    names = {"id": "i`d.x", "group": "pat ient`", "labels": "ta`gs", "other": "no`te.s"}
    path = tmp_path / "odd.parquet"
    pq.write_table(
        pa.table(
            {
                names["id"]: [f"r{i}" for i in range(rows)],
                names["group"]: [f"p{i % 90}" for i in range(rows)],
                names["labels"]: [
                    "|".join(rng.choice(["a", "b", "c"], size=2)) for _ in range(rows)
                ],
                names["other"]: list(range(rows)),
            }
        ),
        path,
    )
    args = ["--labels", names["labels"], "--sep", "|", "--id", names["id"]]
    args += ["--group", names["group"], "--engine", "spark"]
    out = tmp_path / "out"
    result = run("split", path, *args, "--out", out)
    assert result.code == 0, result.err
    written = ds.dataset(out, format="parquet", partitioning="hive", exclude_invalid_files=True)
    assert written.to_table().column_names == [*names.values(), "split"]
    # The split's own output folder, its reports beside the rows, checks as it reads in
    # memory: its Parquet files only (its manifest.json was read as Parquet before).
    checked = run("check", out, *args)
    assert checked.code == 0, checked.err
    (tmp_path / "no parquet").mkdir()
    (tmp_path / "no parquet" / "notes.md").write_text("# notes")
    refused = run("check", tmp_path / "no parquet", *args)
    assert refused.code == 2
    assert "a directory with no Parquet files in it" in refused.err


def test_a_folder_is_read_as_the_in_memory_loader_reads_it_whatever_the_suffixes_case(
    spark: Any, tmp_path: Path
) -> None:
    from splitguard.core.io.read import PARQUET_SUFFIXES
    from splitguard.spark.read import read_rows

    folder = tmp_path / "mixed"
    folder.mkdir()
    names = [f"part-{i}{suffix}" for i, suffix in enumerate(PARQUET_SUFFIXES)]
    names += ["upper.PARQUET", "mixed.Parquet", "odd.pQ"]
    for index, name in enumerate(names):
        pq.write_table(pa.table({"id": [f"r{index}"]}), folder / name)
    (folder / "notes.md").write_text("# not a table")
    (folder / "parquet").write_text("no suffix: not read either")
    rows = read_rows(folder, spark).select("id").collect()
    assert sorted(row.id for row in rows) == sorted(f"r{i}" for i in range(len(names)))


def test_a_folder_of_plain_subfolders_is_read_whole_and_a_mixed_one_is_refused(
    spark: Any, tmp_path: Path
) -> None:
    from splitguard.core.errors import InputError
    from splitguard.core.io.read import read_table
    from splitguard.spark.read import read_rows

    # Spark's own folder reading kept a.parquet and left sub/b.parquet out.
    plain = tmp_path / "plain"
    (plain / "sub" / "deeper").mkdir(parents=True)
    for index, name in enumerate(["a.parquet", "sub/b.parquet", "sub/deeper/c.parquet"]):
        pq.write_table(pa.table({"id": [f"r{index}"]}), plain / name)
    rows = sorted(row.id for row in read_rows(plain, spark).select("id").collect())
    assert rows == sorted(read_table(plain).column("id").to_pylist()) == ["r0", "r1", "r2"]
    # Beside a partition folder, Spark left a.parquet out: refused, naming both files.
    mixed = tmp_path / "mixed"
    (mixed / "day=2").mkdir(parents=True)
    pq.write_table(pa.table({"id": ["r0"]}), mixed / "a.parquet")
    pq.write_table(pa.table({"id": ["r1"]}), mixed / "day=2" / "b.parquet")
    with pytest.raises(InputError, match=r"a\.parquet beside day=2/b\.parquet"):
        read_rows(mixed, spark)


@pytest.mark.parametrize("layout", ["one file", "flat", "subfolders"])
def test_paths_holding_glob_characters_are_read_as_they_are(
    spark: Any, tmp_path: Path, layout: str
) -> None:
    # Spark takes a path as a glob: "we[ir]d" matched nothing ("Path does not exist").
    from splitguard.spark.read import read_rows

    folder = tmp_path / "we[ir]d {x}*?\\"
    names = {"one file": ["a b[1].parquet"], "flat": ["a[1].parquet", "b{2}.parquet"]}
    chosen = names.get(layout, ["a.parquet", "sub[1]/b?.parquet"])
    for index, name in enumerate(chosen):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"id": [f"r{index}"]}), folder / name)
    source = folder / chosen[0] if layout == "one file" else folder
    rows = sorted(row.id for row in read_rows(source, spark).select("id").collect())
    assert rows == [f"r{i}" for i in range(len(chosen))]


def test_an_input_spark_cannot_read_is_an_input_error_naming_it(
    spark: Any, tmp_path: Path, run: Any
) -> None:
    # A Parquet file without its footer stopped the run with an "internal error" and
    # the JVM's stack; an empty CSV with "it has ." (no columns to name).
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "part-0.parquet").write_bytes(b"not parquet at all")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    args = ["--labels", "labels", "--id", "id", "--engine", "spark"]
    for source, said in (
        (broken, "Spark cannot read it ([FAILED_READ_FILE"),
        (broken / "part-0.parquet", "Spark cannot read it ("),
        (empty, "the file is empty"),
    ):
        result = run("check", source, *args)
        assert result.code == 2
        assert f"splitguard: error: {source}: {said}" in result.err
        assert "internal error" not in result.err and "\tat " not in result.err
