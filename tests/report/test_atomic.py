"""A report is written atomically, and a failed chart loses nothing already written."""

from __future__ import annotations

from pathlib import Path

import pytest

from splitguard.report import charts
from splitguard.report.model import RunReport
from splitguard.report.split_page import write_split_reports


def test_a_failed_chart_leaves_markdown_and_no_partial_page(
    split_report: RunReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "report.json").write_text("{}", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("no plot today")

    monkeypatch.setattr(charts, "coverage_chart", broken)
    written = write_split_reports(tmp_path, split_report, {})
    assert written.paths == (tmp_path / "report.md",)
    assert written.failed == ((tmp_path / "report.html", "RuntimeError: no plot today"),)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.json", "report.md"]


def test_an_old_report_is_replaced_whole(split_report: RunReport, tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("old", encoding="utf-8")
    written = write_split_reports(tmp_path, split_report, {})
    assert written.paths == (tmp_path / "report.md", tmp_path / "report.html")
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html", "report.md"]
