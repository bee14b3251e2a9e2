"""Render a report into a folder and read both files back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from report.nih_report import nih_manifest

from splitguard.report.model import RunReport


@dataclass(frozen=True)
class Rendered:
    folder: Path
    html: str
    markdown: str
    report: RunReport


def render(folder: Path, report: RunReport) -> Rendered:
    from splitguard.report.split_page import write_split_reports

    folder.mkdir(parents=True, exist_ok=True)
    write_split_reports(folder, report, nih_manifest())
    return read(folder, report)


def read(folder: Path, report: RunReport) -> Rendered:
    return Rendered(
        folder,
        (folder / "report.html").read_text(encoding="utf-8"),
        (folder / "report.md").read_text(encoding="utf-8"),
        report,
    )
