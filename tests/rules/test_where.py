"""Findings attach to files: the split's file, the first offending row's line or row number."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.lint.config import LintConfig
from splitguard.lint.engine import lint
from splitguard.lint.findings import Location

SPEC = LabelSpec(labels="labels", sep="|", id="id", group=("patient",))
HEADER = "id,patient,labels\n"


def _write(folder: Path, **splits: str) -> list[tuple[str | None, Path]]:
    inputs: list[tuple[str | None, Path]] = []
    for name, rows in splits.items():
        (folder / f"{name}.csv").write_text(HEADER + rows)
        inputs.append((name, folder / f"{name}.csv"))
    return inputs


def _where(inputs: object, code: str, spec: LabelSpec = SPEC, **values: object) -> Location:
    frame = load_frame(inputs, spec, strict=False)  # type: ignore[arg-type]
    found = [f for f in lint(frame, LintConfig.of({"select": (code,), **values})).findings]
    assert len(found) == 1, found
    return found[0].location


def test_a_leak_names_its_rows_in_the_first_evaluation_split_holding_them(tmp_path: Path) -> None:
    inputs = _write(
        tmp_path,
        train="a,p1,Mass\nb,p2,Mass\nc,p3,Mass\n",
        val="d,p4,Mass\ne,p5,Mass\n",
        # A quoted cell over two lines: f is on lines 2-3, g on line 4.
        test='f,p6,"Mass|\nNodule"\ng,p1,Mass\nh,p2,Mass\n',
    )
    leak = _where(inputs, "SG201")
    assert (Path(leak.file or "").name, leak.line, leak.row) == ("test.csv", 4, None)
    assert (leak.row_ids, leak.n_rows) == (("g", "h"), 2)
    assert (leak.groups, leak.n_groups, leak.split) == (("p1", "p2"), 2, None)


def test_a_row_id_leak_names_the_evaluation_file(tmp_path: Path) -> None:
    inputs = _write(tmp_path, train="a,p1,Mass\nb,p2,Mass\n", test="c,p3,Mass\nb,p4,Mass\n")
    leak = _where(inputs, "SG202")
    assert (Path(leak.file or "").name, leak.line, leak.row_ids) == ("test.csv", 3, ("b",))


def test_a_class_absent_from_a_split_names_the_splits_file(tmp_path: Path) -> None:
    inputs = _write(tmp_path, train="a,p1,Mass\nb,p2,Hernia\n", test="c,p3,Mass\n")
    absent = _where(inputs, "SG301")
    assert (absent.split, absent.label, Path(absent.file or "").name) == (
        "test",
        "Hernia",
        "test.csv",
    )
    assert (absent.line, absent.row) == (None, None)


def test_one_table_with_a_split_column_is_the_file_of_every_split(tmp_path: Path) -> None:
    table = tmp_path / "all.csv"
    table.write_text(
        "id,patient,labels,split\na,p1,Mass,train\nb,p2,Hernia,train\nc,p3,Mass,test\n"
    )
    spec = LabelSpec(labels="labels", sep="|", id="id", group=("patient",), split_col="split")
    absent = _where(table, "SG301", spec)
    assert (absent.split, Path(absent.file or "").name) == ("test", "all.csv")
    frame = load_frame(table, spec, strict=False)
    sizes = lint(
        frame, LintConfig.of({"select": ("SG305",), "fractions": {"train": 0.5, "test": 0.5}})
    )
    places = {(f.location.split, Path(f.location.file or "").name) for f in sizes.findings}
    assert places == {("train", "all.csv"), ("test", "all.csv")}


def test_a_parquet_file_gives_the_row_number_not_a_line(tmp_path: Path) -> None:
    rows = {"id": ["a", "b", "c"], "patient": ["p1", "p2", "p3"], "labels": ["Mass"] * 3}
    pq.write_table(pa.table(rows), tmp_path / "train.parquet")
    pq.write_table(pa.table({k: v[:2] for k, v in rows.items()}), tmp_path / "test.parquet")
    inputs = [("train", tmp_path / "train.parquet"), ("test", tmp_path / "test.parquet")]
    leak = _where(inputs, "SG201")
    assert (Path(leak.file or "").name, leak.row, leak.line) == ("test.parquet", 1, None)
