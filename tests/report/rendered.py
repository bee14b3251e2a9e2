"""Render a report dict into a folder and read both files back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report.nih_report import nih_manifest


@dataclass(frozen=True)
class Rendered:
    folder: Path
    html: str
    markdown: str
    report: dict[str, Any]


def render(folder: Path, report: dict[str, Any]) -> Rendered:
    from splitguard.report.split_page import write_split_reports

    folder.mkdir(parents=True, exist_ok=True)
    write_split_reports(folder, report, nih_manifest())
    return Rendered(
        folder,
        (folder / "report.html").read_text(encoding="utf-8"),
        (folder / "report.md").read_text(encoding="utf-8"),
        report,
    )
