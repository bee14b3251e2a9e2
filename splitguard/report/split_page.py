"""The report `split` and `fix` write next to their splits: report.html and report.md.

It reads only the dicts already written as report.json and manifest.json, so the
command writes the splits and those first, and a report that fails loses nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from splitguard.report.classes import by_prevalence, frequency_section, weights_section
from splitguard.report.document import Document, Section
from splitguard.report.findings_table import before_after_section, moves_section
from splitguard.report.output import Written, write_reports
from splitguard.report.split_tables import coverage_section, groups_section, leakage_section
from splitguard.report.summary import headline_section, manifest_section, request_section


def leaked_group_count(report: dict[str, Any]) -> int:
    """From the quality figures, else from the leakage findings after the run."""
    quality = report.get("quality") or {}
    if quality.get("leaked_groups") is not None:
        return int(quality["leaked_groups"])
    return sum(
        int((finding.get("location") or {}).get("n_groups") or 1)
        for finding in report.get("findings_after") or []
        if finding.get("family") == "leakage"
    )


def build_split_document(report: dict[str, Any], manifest: dict[str, Any]) -> Document:
    command = str(report.get("command", "split"))
    stats = report["stats"]
    classes = [label["name"] for label in by_prevalence(stats)]
    leaked = leaked_group_count(report)
    after: list[dict[str, Any]] = list(report.get("findings_after") or [])
    sections: list[Section] = [
        request_section(report),
        headline_section(report, leaked),
        frequency_section(stats),
        weights_section(stats),
        coverage_section(
            report["coverage"],
            report["splits"],
            classes,
            shortfalls=report.get("shortfalls"),
            floor=report.get("train_floor"),
        ),
        groups_section(report["splits"], stats),
        leakage_section(leaked, after),
        before_after_section(list(report.get("findings_before") or []), after),
    ]
    if command == "fix" or report.get("moves"):
        sections.append(moves_section(list(report.get("moves") or []), report.get("moves_summary")))
    sections.append(manifest_section(manifest))
    inputs = ", ".join(str(item.get("path", "")) for item in manifest.get("inputs") or [])
    names = ", ".join(str(split["name"]) for split in report["splits"])
    return Document(
        title=f"splitguard {command}",
        subtitle=f"{inputs or 'the input'} into {names}",
        sections=tuple(sections),
    )


def write_split_reports(out_dir: Path, report: dict[str, Any], manifest: dict[str, Any]) -> Written:
    """Write `out_dir/report.md`, then `out_dir/report.html`, each atomically."""
    out_dir = Path(out_dir)
    return write_reports(
        build_split_document(report, manifest),
        html_path=out_dir / "report.html",
        markdown_path=out_dir / "report.md",
    )
