"""The reports `check --html/--markdown` and `stats --html/--markdown` write."""

from __future__ import annotations

from pathlib import Path

from report.nih_report import hash_split
from report.page import read_page

from splitguard.core.class_stats import table_stats
from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.report.check_page import write_check_reports
from splitguard.report.model import RunReport
from splitguard.report.stats_page import write_stats_reports


def test_check_report_with_splits(
    nih_frame: LabelFrame, fix_report: RunReport, tmp_path: Path
) -> None:
    html, markdown = tmp_path / "check.html", tmp_path / "check.md"
    # The findings of a real run (a leaky split), as `check --format json` prints them.
    leak = next(f for f in fix_report.findings_before if f.code == "SG201")
    result = {"version": 1, "findings": [leak.as_dict()], "summary": {}}
    write_check_reports(hash_split(nih_frame), result, html=str(html), markdown=str(markdown))
    page = read_page(html.read_text(encoding="utf-8"))
    assert page.sections == [
        "overview", "findings", "leakage", "coverage", "groups", "frequencies", "weights",
    ]  # fmt: skip
    assert len(page.charts) == 4 and all(chart.title for chart in page.charts)
    text = markdown.read_text(encoding="utf-8")
    assert f"| error | SG201 | {leak.name} |" in text
    assert "- **Leakage findings**: 1" in text


def test_check_report_without_splits_has_no_coverage(tmp_path: Path) -> None:
    table = tmp_path / "labels.csv"
    table.write_text("id,labels\n1,a\n2,a|b\n3,none\n", encoding="utf-8")
    frame = load_frame(table, LabelSpec(labels="labels", sep="|", none=("none",), id="id"))
    html = tmp_path / "check.html"
    write_check_reports(frame, {"version": 1, "findings": []}, html=str(html), markdown=None)
    page = read_page(html.read_text(encoding="utf-8"))
    assert page.sections == ["overview", "findings", "frequencies", "weights"]
    assert not (tmp_path / "check.md").exists()


def test_stats_report(nih_frame: LabelFrame, tmp_path: Path) -> None:
    html, markdown = tmp_path / "stats.html", tmp_path / "stats.md"
    write_stats_reports(nih_frame, table_stats(nih_frame), html=str(html), markdown=str(markdown))
    page = read_page(html.read_text(encoding="utf-8"))
    assert page.sections == ["overview", "frequencies", "weights"]
    assert [chart.title for chart in page.charts] == [
        "Positive and negative share of each class",
        "Contribution of positives and negatives after weighting",
    ]
    assert "| Hernia | 227 | 111,893 | 0.20% | 99.80% | 492.9 |" in markdown.read_text("utf-8")
