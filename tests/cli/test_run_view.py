"""What split and fix print: figures in human units, the findings, the files written."""

from __future__ import annotations

import dataclasses
import json
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


def test_a_long_list_of_shortfalls_prints_its_first_few_and_counts_the_rest(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from splitguard.cli.run_view import SHORTFALLS_SHOWN, print_run
    from splitguard.report.model import RunReport, Shortfall

    monkeypatch.setenv("COLUMNS", "200")
    golden = Path(__file__).parents[1] / "fixtures" / "golden" / "report.json"
    report = RunReport.from_dict(json.loads(golden.read_text()))
    missed = tuple(
        Shortfall(f"class-{k}", "test", "min-positives", 20, 18, "the data has 30")
        for k in range(SHORTFALLS_SHOWN + 25)
    )
    print_run(dataclasses.replace(report, shortfalls=missed), tmp_path, ["report.json"])
    out = capsys.readouterr().out
    assert out.count("shortfall: class-") == SHORTFALLS_SHOWN
    assert f"class-{SHORTFALLS_SHOWN - 1} in test" in out
    assert f"class-{SHORTFALLS_SHOWN} in test" not in out
    assert "shortfall: ... 25 more shortfalls: report.json lists them all" in out


def test_minimums_that_cannot_be_met_warn_a_few_times_and_count_the_rest() -> None:
    from splitguard.app.runs import PROBLEMS_SHOWN, warn_impossible

    lines: list[str] = []
    warn_impossible([f"class-{k}: too rare" for k in range(PROBLEMS_SHOWN + 1)], lines.append)
    assert lines[:2] == [
        "splitguard: warning: cannot be met: class-0: too rare.",
        "splitguard: warning: cannot be met: class-1: too rare.",
    ]
    assert lines[PROBLEMS_SHOWN:] == [
        "splitguard: warning: cannot be met: 1 more minimum; the shortfalls in report.json "
        "name every one."
    ]
    lines.clear()
    warn_impossible(["class-0: too rare"], lines.append)
    assert lines == ["splitguard: warning: cannot be met: class-0: too rare."]
