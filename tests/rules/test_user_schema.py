"""SG120 through the command line: YAML files, module:attr schemas and models, bad schemas."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ARGS = ("--labels", "labels", "--sep", "|", "--none", "none", "--id", "id", "--group", "patient")
TABLE = """\
id,patient,labels,age,view
a,p1,Mass,40,PA
b,p2,none,414,AP
c,p3,Mass,148,LL
d,p4,none,30,AP
"""
AGE_AND_VIEW = """\
schema_type: dataframe
columns:
  age:
    dtype: int64
    checks:
      in_range: {min_value: 0, max_value: 120}
  view:
    dtype: str
    checks:
      isin: [PA, AP]
"""
MODULE = """\
import pandera.pandas as pa

AGES = pa.DataFrameSchema({"age": pa.Column(int, pa.Check.in_range(0, 120))})
NOT_A_SCHEMA = 42


class Views(pa.DataFrameModel):
    view: str = pa.Field(isin=["PA", "AP"])
    age: int = pa.Field(ge=0, le=120)
"""


@pytest.fixture
def module(in_folder: Path) -> Iterator[str]:
    """A schema module in the current folder, under a name no other test imports."""
    name = f"schemas_{abs(hash(str(in_folder))) % 10**8}"
    (in_folder / f"{name}.py").write_text(MODULE, encoding="utf-8")
    yield name
    sys.modules.pop(name, None)


def _json(run: Callable[..., Any], *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = run("check", *args, *ARGS, "--select", "SG120", "--format", "json")
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)["findings"]


def test_a_yaml_schema_reports_every_failing_column_and_check(
    run: Callable[..., Any], in_folder: Path
) -> None:
    (in_folder / "t.csv").write_text(TABLE)
    (in_folder / "s.yaml").write_text(AGE_AND_VIEW)
    code, findings = _json(run, "t.csv", "--schema", "s.yaml")
    assert code == 1
    assert [(f["location"]["column"], f["location"]["n_rows"]) for f in findings] == [
        ("age", 2),
        ("view", 1),
    ]
    age, view = findings
    assert age["message"] == "column 'age' fails in_range(0, 120) on 2 rows: 148 (1), 414 (1)."
    assert age["location"]["row_ids"] == ["b", "c"]
    assert age["location"]["file"].endswith("t.csv")
    assert "isin(['PA', 'AP'])" in view["message"]
    assert "LL (1)" in view["message"]


def test_text_output_names_the_split_file(run: Callable[..., Any], in_folder: Path) -> None:
    header, rows = TABLE.splitlines()[0], TABLE.splitlines()[1:]
    (in_folder / "train.csv").write_text("\n".join([header, rows[0], rows[3]]) + "\n")
    (in_folder / "test.csv").write_text("\n".join([header, rows[1], rows[2]]) + "\n")
    (in_folder / "s.yaml").write_text(AGE_AND_VIEW)
    result = run("check", "train=train.csv", "test=test.csv", *ARGS, "--schema", "s.yaml")
    assert result.code == 1
    assert "SG120" in result.out
    assert "split test; column age; file test.csv" in result.out


def test_module_attr_names_a_schema(run: Callable[..., Any], module: str) -> None:
    Path("t.csv").write_text(TABLE)
    code, findings = _json(run, "t.csv", "--schema", f"{module}:AGES")
    assert code == 1
    assert [f["location"]["column"] for f in findings] == ["age"]


def test_module_attr_names_a_dataframe_model(run: Callable[..., Any], module: str) -> None:
    Path("t.csv").write_text(TABLE)
    code, findings = _json(run, "t.csv", "--schema", f"{module}:Views")
    assert code == 1
    assert sorted(f["location"]["column"] for f in findings) == ["age", "view"]


def test_a_clean_table_passes(run: Callable[..., Any], in_folder: Path) -> None:
    (in_folder / "t.csv").write_text(TABLE.replace("414", "41").replace("148", "48"))
    (in_folder / "s.yaml").write_text(AGE_AND_VIEW.replace("[PA, AP]", "[PA, AP, LL]"))
    assert _json(run, "t.csv", "--schema", "s.yaml") == (0, [])


def test_the_config_key_is_relative_to_the_config_file(
    run: Callable[..., Any], in_folder: Path
) -> None:
    (in_folder / "data").mkdir()
    (in_folder / "data" / "t.csv").write_text(TABLE)
    (in_folder / "data" / "s.yaml").write_text(AGE_AND_VIEW)
    (in_folder / "data" / "splitguard.toml").write_text('schema = "s.yaml"\n')
    config = ("--config", str(in_folder / "data" / "splitguard.toml"))
    code, findings = _json(run, "data/t.csv", *config)
    assert code == 1
    assert len(findings) == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        ("columns: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "not a pandera schema"),
        ("schema_type: dataframe\ncolumns:\n  age: {checks: {no_such_check: 1}}\n", "pandera"),
    ],
    ids=["missing", "not-yaml", "not-a-schema", "unknown-check"],
)
def test_a_bad_schema_file_is_exit_2_naming_the_file(
    run: Callable[..., Any], in_folder: Path, content: str | None, expected: str
) -> None:
    (in_folder / "t.csv").write_text(TABLE)
    if content is not None:
        (in_folder / "bad.yaml").write_text(content)
    result = run("check", "t.csv", *ARGS, "--schema", "bad.yaml")
    assert result.code == 2
    assert "bad.yaml (--schema)" in result.err
    assert expected in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("attr", "expected"),
    [
        ("NO_SUCH", "has no attribute 'NO_SUCH'"),
        ("NOT_A_SCHEMA", "'NOT_A_SCHEMA' is a int, not a pandera DataFrameSchema"),
    ],
)
def test_a_bad_module_attr_is_exit_2(
    run: Callable[..., Any], module: str, attr: str, expected: str
) -> None:
    Path("t.csv").write_text(TABLE)
    result = run("check", "t.csv", *ARGS, "--schema", f"{module}:{attr}")
    assert result.code == 2
    assert expected in result.err


def test_a_module_that_fails_to_import_is_exit_2(run: Callable[..., Any], in_folder: Path) -> None:
    (in_folder / "t.csv").write_text(TABLE)
    (in_folder / "broken_schemas_sg120.py").write_text("raise RuntimeError('boom')\n")
    result = run("check", "t.csv", *ARGS, "--schema", "broken_schemas_sg120:S")
    assert result.code == 2
    assert "cannot import module 'broken_schemas_sg120' (RuntimeError: boom)" in result.err
    assert str(in_folder) not in sys.path


def test_split_runs_the_schema(run: Callable[..., Any], in_folder: Path) -> None:
    (in_folder / "t.csv").write_text(TABLE)
    (in_folder / "s.yaml").write_text(AGE_AND_VIEW)
    result = run(
        "split", "t.csv", *ARGS, "--schema", "s.yaml", "--out", "out", "--fractions",
        "train=0.5,test=0.5", "--min-positives", "test=0", "--min-positive-groups", "test=0",
    )  # fmt: skip
    report = json.loads((in_folder / "out" / "report.json").read_text())
    assert "SG120" in json.dumps(report), result.err


@pytest.mark.parametrize("command", ["split", "fix"])
def test_split_and_fix_refuse_a_bad_schema_before_any_work(
    run: Callable[..., Any], in_folder: Path, command: str
) -> None:
    # The table does not exist either: the schema must be refused before it is read.
    inputs = ("t.csv",) if command == "split" else ("train=t.csv", "test=t.csv")
    result = run(command, *inputs, *ARGS, "--schema", "missing.yaml", "--out", "out")
    assert result.code == 2
    assert "missing.yaml (--schema): no such file" in result.err
    assert not (in_folder / "out").exists()
