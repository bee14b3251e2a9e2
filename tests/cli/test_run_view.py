"""What split and fix print: figures in human units, the findings, the files written."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from splitguard.cli.run_view import finding_lines, quality_lines, scientific, severity_counts
from splitguard.report import charts
from splitguard.report.model import Quality


def finding(code: str, severity: str, family: str) -> dict[str, Any]:
    return {"code": code, "severity": severity, "family": family, "message": f"{code} says"}


def test_quality_in_words_and_human_units() -> None:
    quality = Quality(
        label_distribution=2.1e-05, label_pair_distribution=0.00029, example_distribution=17_012.4,
        worst_relative_deviation=0.0132, leaked_groups=0,
    )  # fmt: skip
    lines = quality_lines(quality)
    assert lines == [
        ("balance", "worst class deviation 1.3% (classes with 100+ positives)"),
        ("balance", "label balance LD 2.1e-5, label-pair balance LPD 2.9e-4 (0 is perfect)"),
        ("sizes", "17,012 rows off target per split on average"),
        ("leakage", "no group in more than one split"),
    ]
    leaked = quality_lines(dataclasses.replace(quality, leaked_groups=1))
    assert leaked[-1] == ("leakage", "1 group in more than one split")


def test_scientific() -> None:
    assert scientific(0.0) == "0" and scientific(0.000214) == "2.1e-4"


def test_severity_counts_agree_in_number() -> None:
    findings = [finding("SG301", "error", "coverage")] * 2 + [finding("SG401", "info", "x")]
    assert severity_counts(findings) == "2 errors, 1 info"
    assert severity_counts([]) == "none"


def test_findings_schema_first_then_worst_and_a_count_of_the_rest() -> None:
    findings = [
        finding("SG301", "error", "coverage"),
        finding("SG401", "info", "imbalance"),
        finding("SG108", "warning", "schema"),
        *[finding("SG304", "warning", "coverage")] * 9,
    ]
    lines = finding_lines(findings, limit=3)
    assert lines[0] == "  SG108 warning: SG108 says"
    assert lines[1] == "  SG301 error: SG301 says"
    assert lines[-1] == "  ... and 8 more (report.json has them all)"


def test_a_report_that_fails_is_not_listed_as_written(
    run: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("no plot today")

    monkeypatch.setattr(charts, "coverage_chart", broken)
    table = tmp_path / "t.csv"
    rows = [f"{i},p{i},{'Mass' if i % 2 else 'Nodule'}" for i in range(40)]
    table.write_text("id,patient,labels\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("split", table, "--labels", "labels", "--id", "id", "--group", "patient",
                 "--out", out)  # fmt: skip
    assert result.code == 0, result.err
    assert "report.html was not written: the report failed to render" in result.err
    assert "no plot today" in result.err
    listed = result.out.replace("\n", " ").split("written to", 1)[1]
    assert "report.md" in listed and "report.html" not in listed
    assert not (out / "report.html").exists() and (out / "report.md").exists()
