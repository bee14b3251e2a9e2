"""Every output format renders the same findings; SARIF validates, JUnit parses."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from splitguard.lint.engine import LintResult
from splitguard.lint.findings import Finding, Location
from splitguard.lint.formats import render
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
