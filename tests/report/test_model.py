"""The typed report: `to_dict()` writes report.json's bytes, `from_dict()` reads them back."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from splitguard.report.model import RunReport
from splitguard.rules.registry import registered_rules

GOLDEN_REPORT = Path(__file__).parents[1] / "fixtures" / "golden" / "report.json"


def report_json(report: RunReport) -> str:
    """report.json's text, as `split` and `fix` write it."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def test_the_demo_report_reads_back_to_the_same_bytes() -> None:
    text = GOLDEN_REPORT.read_text(encoding="utf-8")
    report = RunReport.from_dict(json.loads(text))
    assert report.command == "split" and report.repair is None
    assert report_json(report) == text


@pytest.mark.parametrize(
    ("request_part", "keep"),
    [
        ({"fractions": None, "folds": 5, "train_split": None}, None),
        ({"keep": "earlier"}, {"kept_groups": 3, "new_groups": {"train": 1}, "conflicts": 0}),
        ({"keep": {"train": "a.csv", "test": "b.csv"}}, None),
    ],
)
def test_folds_and_kept_splits_read_back(
    request_part: dict[str, Any], keep: dict[str, Any] | None
) -> None:
    data = json.loads(GOLDEN_REPORT.read_text(encoding="utf-8"))
    data = {**data, "request": {**data["request"], **request_part}, "keep": keep}
    assert RunReport.from_dict(data).to_dict() == data


def test_a_fix_report_reads_back_to_the_same_bytes(fix_run: Path) -> None:
    text = (fix_run / "report.json").read_text(encoding="utf-8")
    report = RunReport.from_dict(json.loads(text))
    assert report.command == "fix" and report.repair is not None and report.kept is None
    assert report.repair.summary.groups == len(report.repair.moves) > 0
    assert report_json(report) == text


def test_the_built_report_reads_back_equal(split_report: RunReport) -> None:
    assert RunReport.from_dict(json.loads(report_json(split_report))) == split_report


def test_the_fixtures_name_the_rules_as_the_rules_do(
    split_report: RunReport, fix_report: RunReport
) -> None:
    rules = registered_rules()
    findings = [*fix_report.findings_before, *fix_report.findings_after]
    findings += [*split_report.findings_before, *split_report.findings_after]
    assert findings
    for finding in findings:
        rule = rules[finding.code]
        assert (finding.name, finding.family) == (rule.name, rule.family)


def test_another_version_is_refused() -> None:
    data: dict[str, Any] = json.loads(GOLDEN_REPORT.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="report version 2: this splitguard reads version 1"):
        RunReport.from_dict({**data, "version": 2})


def test_a_split_report_holds_no_moves_and_a_fix_report_no_kept_groups(
    split_report: RunReport, fix_report: RunReport
) -> None:
    with pytest.raises(ValueError, match="a split report holds no moves"):
        dataclasses.replace(split_report, repair=fix_report.repair)
    with pytest.raises(ValueError, match="a fix report holds moves"):
        dataclasses.replace(fix_report, repair=None)
