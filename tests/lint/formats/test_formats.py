"""Every output format renders the same findings; SARIF validates, JUnit parses."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from splitguard.core.errors import OptionError
from splitguard.lint.engine import LintResult
from splitguard.lint.findings import Finding, Location
from splitguard.lint.formats import (
    STYLES,
    Span,
    View,
    format_named,
    plain,
    registered_formats,
    render,
)
from splitguard.rules.registry import registered_rules

SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")
RULES = registered_rules()


@pytest.fixture
def result() -> LintResult:
    leak = Finding(
        "SG201",
        "group-leak",
        "leakage",
        "error",
        "2 groups have rows in more than one split (train & test 2): 100% sure, a:b,c",
        Location(
            column="Patient ID", row_ids=("a.png", "b.png"), groups=("p1",), n_rows=5, n_groups=2
        ),
    )
    few = Finding(
        "SG302",
        "too-few-positives",
        "coverage",
        "warning",
        "Hernia has 4 positives in test (minimum 10)",
        Location(split="test", label="Hernia", file="data/test.csv", n_rows=4, n_groups=3),
    )
    rare = Finding(
        "SG401", "rare-class", "imbalance", "info", "Hernia is rare.", Location(label="Hernia")
    )
    rules = (RULES["SG201"], RULES["SG202"], RULES["SG302"], RULES["SG401"])
    return LintResult((leak, few, rare), rules)


def test_json_has_the_versioned_shape(result: LintResult) -> None:
    payload = json.loads(render(result, "json"))
    assert set(payload) == {"version", "findings", "summary"}
    assert payload["version"] == 1
    first = payload["findings"][0]
    assert set(first) == {"code", "name", "family", "severity", "message", "location"}
    assert set(first["location"]) == {
        "split", "label", "group", "column", "file", "row_ids", "groups", "n_rows", "n_groups",
        "line", "row",
    }  # fmt: skip
    assert payload["summary"]["errors"] == 1
    assert payload["summary"]["failing"] == 1


def test_sarif_validates_against_the_2_1_0_schema(result: LintResult) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(render(result, "sarif"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [
        "SG201", "SG202", "SG302", "SG401",
    ]  # fmt: skip
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]
    assert run["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "data/test.csv"
    )


def test_junit_parses_with_a_testcase_per_rule(result: LintResult) -> None:
    root = ET.fromstring(render(result, "junit"))
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == [
        "SG201 group-leak", "SG202 row-id-leak", "SG302 too-few-positives", "SG401 rare-class",
    ]  # fmt: skip
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == ["SG201 group-leak", "SG302 too-few-positives", "SG401 rare-class"]
    assert root.find("testsuite").get("failures") == "3"  # type: ignore[union-attr]


def test_github_writes_one_escaped_command_per_finding(result: LintResult) -> None:
    lines = render(result, "github").splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("::error title=SG201 group-leak::2 groups")
    assert "100%25 sure, a:b,c" in lines[0]
    assert lines[1].startswith("::warning file=data/test.csv,title=SG302 too-few-positives::")
    assert lines[1].endswith("(split test, class Hernia)")
    assert lines[2].startswith("::notice ")


@pytest.fixture
def placed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LintResult:
    """Findings in a file under the root (absolute, as a config file gives it) and outside it."""
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    monkeypatch.chdir(root)
    inside = Finding(
        "SG201", "group-leak", "leakage", "error", "1 group in more than one split.",
        Location(file=str(root / "data" / "test split.csv"), line=7, row_ids=("a",), n_rows=1),
    )  # fmt: skip
    outside = Finding(
        "SG302", "too-few-positives", "coverage", "warning", "Hernia has 4 positives in test.",
        Location(split="test", label="Hernia", file=str(tmp_path / "other.parquet"), row=3),
    )  # fmt: skip
    return LintResult((inside, outside), (RULES["SG201"], RULES["SG302"]))


def test_sarif_names_files_against_the_root_base_and_validates(placed: LintResult) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(render(placed, "sarif"))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)
    run = log["runs"][0]
    assert set(run["originalUriBaseIds"]) == {"%SRCROOT%"}
    assert "uri" not in run["originalUriBaseIds"]["%SRCROOT%"]  # no folder of this machine
    inside, outside = (r["locations"][0]["physicalLocation"] for r in run["results"])
    assert inside["artifactLocation"] == {"uri": "data/test%20split.csv", "uriBaseId": "%SRCROOT%"}
    assert inside["region"] == {"startLine": 7}
    assert outside["artifactLocation"]["uri"].startswith("file:///")
    assert "uriBaseId" not in outside["artifactLocation"] and "region" not in outside
    assert run["results"][1]["properties"]["row"] == 3


def test_github_json_and_junit_name_files_relative_to_the_root(placed: LintResult) -> None:
    inside, outside = render(placed, "github").splitlines()
    assert inside.startswith("::error file=data/test split.csv,line=7,title=SG201 group-leak::")
    assert outside.endswith("(split test, class Hernia, row 3)")
    assert [f["location"]["file"] for f in json.loads(render(placed, "json"))["findings"]] == [
        "data/test split.csv", placed.findings[1].location.file,
    ]  # fmt: skip
    failures = ET.fromstring(render(placed, "junit")).findall(".//failure")
    assert "file=data/test split.csv, line=7" in (failures[0].text or "")


def test_the_root_can_be_another_folder(placed: LintResult) -> None:
    view = View(root=Path.cwd() / "data")
    assert json.loads(render(placed, "json", view))["findings"][0]["location"]["file"] == (
        "test split.csv"
    )
    assert view.outside(placed) == [placed.findings[1].location.file]


def test_text_is_styled_lines_without_a_terminal_library(placed: LintResult) -> None:
    text = format_named("text")
    lines = text.styled(placed, View(statistics=True))
    assert lines is not None
    assert plain(lines) == text.render(placed, View(statistics=True))
    assert [span.style for span in lines[1].spans if span.style] == ["error", "dim", "error"]
    assert "file data/test split.csv; line 7; rows a" in plain(lines)
    assert lines[-1].spans[1] == Span("failed", "failed")
    assert all(span.style in STYLES or not span.style for line in lines for span in line.spans)


def test_the_built_in_formats_are_registered_through_entry_points() -> None:
    assert set(registered_formats()) == {"text", "json", "sarif", "github", "junit"}
    with pytest.raises(OptionError, match="'xml' is not an installed format; use one of github"):
        format_named("xml")
