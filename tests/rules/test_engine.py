"""The engine: which rules run, how findings are filtered, and the exit status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from splitguard.core.errors import EXIT_FAIL, EXIT_SUCCESS
from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.lint.baseline import baseline_payload
from splitguard.lint.config import LintConfig
from splitguard.lint.engine import RuleError, exit_status, failing, lint
from splitguard.lint.findings import HIDDEN, Finding, Location, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.registry import registered_rules

SPEC = LabelSpec(labels="labels", sep="|", id="id", group=("patient",))
TRAIN = "id,patient,labels\na,p1,Mass\nb,p2,Hernia\nc,p3,Mass\n"
TEST = "id,patient,labels\nd,p1,Mass\ne,p4,Mass\n"


@pytest.fixture
def leaky(tmp_path: Path) -> LabelFrame:
    (tmp_path / "train.csv").write_text(TRAIN)
    (tmp_path / "test.csv").write_text(TEST)
    inputs = [("train", tmp_path / "train.csv"), ("test", tmp_path / "test.csv")]
    return load_frame(inputs, SPEC, strict=False)


def _codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def test_findings_and_exit_status(leaky: LabelFrame) -> None:
    result = lint(leaky, LintConfig(select=("SG201", "SG301")))
    assert _codes(result.findings) == ["SG201", "SG301"]
    assert exit_status(result.findings) == EXIT_FAIL
    assert exit_status(result.findings, exit_zero=True) == EXIT_SUCCESS
    payload = result.as_dict()
    assert payload["version"] == 1
    assert payload["summary"]["errors"] == 2
    leak, absent = (finding["location"] for finding in payload["findings"])
    # The leak is named in the evaluation split's file: its rows there, its first line.
    assert (leak["n_groups"], leak["n_rows"], leak["row_ids"]) == (1, 1, ["d"])
    assert (Path(leak["file"]).name, leak["line"], leak["row"]) == ("test.csv", 2, None)
    assert (absent["split"], Path(absent["file"]).name, absent["line"]) == (
        "test",
        "test.csv",
        None,
    )


@pytest.mark.parametrize(
    ("fail_on", "severity", "status"),
    [
        ("error", "warning", 0),
        ("warning", "warning", 1),
        ("warning", "info", 0),
        ("info", "info", 1),
    ],
)
def test_fail_on(fail_on: str, severity: Severity, status: int) -> None:
    finding = Finding("SG302", "x", "coverage", severity, "m")
    assert exit_status([finding], fail_on) == status
    assert len(failing([finding], fail_on)) == status


def test_a_table_without_splits_runs_schema_and_imbalance_only(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(TRAIN)
    result = lint(load_frame(tmp_path / "t.csv", SPEC, strict=False))
    assert {rule.family for rule in result.rules} == {"schema", "imbalance"}


def test_hide_ids_masks_every_id(leaky: LabelFrame) -> None:
    result = lint(leaky, LintConfig(select=("SG201",), hide_ids=True))
    text = json.dumps(result.as_dict())
    assert HIDDEN in text
    assert not any(f'"{rid}"' in text for rid in ("a", "d", "p1"))


def test_baseline_accepts_old_findings_fails_new(leaky: LabelFrame, tmp_path: Path) -> None:
    old = lint(leaky, LintConfig(select=("SG201",)))
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(baseline_payload(old.findings)))
    again = lint(leaky, LintConfig(select=("SG201", "SG301"), baseline=str(baseline)))
    assert _codes(again.accepted) == ["SG201"]
    assert _codes(again.findings) == ["SG301"]
    assert exit_status(again.findings) == EXIT_FAIL


def test_config_ignores_and_severity(leaky: LabelFrame) -> None:
    config = LintConfig(
        select=("SG301", "SG302"),
        per_class_ignores={"Hernia": ["SG301"]},
        severity={"SG302": "error"},
        options={"min-positives": {"train": 1}},
    )
    result = lint(leaky, config)
    assert result.ignored == 1
    assert {(f.code, f.severity) for f in result.findings} == {("SG302", "error")}


class _Crashing(Rule):
    """Crashes."""

    code = "XX999"
    name = "crashing"
    family = "schema"
    severity: ClassVar[Severity] = "error"

    def check(self, context: Context) -> Iterator[Finding]:
        raise ZeroDivisionError("boom")
        yield Finding("XX999", "crashing", "schema", "error", "never", Location())


def test_a_crashing_rule_is_a_named_error(leaky: LabelFrame) -> None:
    with pytest.raises(RuleError, match="XX999"):
        lint(leaky, rules={**registered_rules(), "XX999": _Crashing})
