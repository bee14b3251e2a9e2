"""The report `split` and `fix` write next to their splits: report.html and report.md.

It reads only the report and manifest already written as report.json and
manifest.json, so the command writes the splits and those first, and a report that
fails loses nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from splitguard.report.class_csv import BESIDE_THE_REPORT
from splitguard.report.classes import by_prevalence, frequency_section, weights_section
from splitguard.report.document import Document, Section
from splitguard.report.findings_table import before_after_section, moves_section
from splitguard.report.model import RunReport
from splitguard.report.output import Written, write_reports
from splitguard.report.split_tables import coverage_section, groups_section, leakage_section
from splitguard.report.summary import headline_section, manifest_section, request_section


def build_split_document(report: RunReport, manifest: dict[str, Any]) -> Document:
    classes = [label.name for label in by_prevalence(report.stats)]
    leaked = report.quality.leaked_groups
    after = report.findings_after
    sections: list[Section] = [
        request_section(report),
        headline_section(report, leaked),
        frequency_section(report.stats, BESIDE_THE_REPORT),
        weights_section(report.stats, BESIDE_THE_REPORT),
        coverage_section(
            report.coverage,
            report.splits,
            classes,
            BESIDE_THE_REPORT,
            shortfalls=report.shortfalls,
            floor=report.train_floor,
        ),
        groups_section(report.splits, report.stats),
        leakage_section(leaked, after),
        before_after_section(report.findings_before, after, sampled=report.sampled),
    ]
    if report.repair is not None:
        sections.append(moves_section(report.repair))
    sections.append(manifest_section(manifest))
    inputs = ", ".join(str(item.get("path", "")) for item in manifest.get("inputs") or [])
    names = ", ".join(split.name for split in report.splits)
    return Document(
        title=f"splitguard {report.command}",
        subtitle=f"{inputs or 'the input'} into {names}",
        sections=tuple(sections),
    )


def write_split_reports(out_dir: Path, report: RunReport, manifest: dict[str, Any]) -> Written:
    """Write `out_dir/report.md`, then `out_dir/report.html`, each atomically.

    A report of a long class list names classes.csv and split_classes.csv: the run
    writes them (`class_csv.report_csvs`) before its manifest, which lists them."""
    out_dir = Path(out_dir)
    return write_reports(
        build_split_document(report, manifest),
        html_path=out_dir / "report.html",
        markdown_path=out_dir / "report.md",
    )
