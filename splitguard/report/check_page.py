"""The report of `splitguard check --html/--markdown`: frequencies, coverage, findings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard.report.classes import by_prevalence, frequency_section, weights_section
from splitguard.report.document import Document, Section
from splitguard.report.findings_table import check_findings_section
from splitguard.report.output import Written, write_reports
from splitguard.report.scale import Elsewhere
from splitguard.report.split_tables import coverage_section, groups_section, leakage_section
from splitguard.report.stats_page import STATS_ELSEWHERE, input_names, overview_section

if TYPE_CHECKING:
    from splitguard.core.frame import LabelFrame


# Where a check page of a long class list sends the reader for the classes it leaves out.
CHECK_ELSEWHERE = Elsewhere(
    classes=STATS_ELSEWHERE.classes,
    weights=STATS_ELSEWHERE.weights,
    coverage="splitguard check --format json lists every class of each finding on coverage.",
)


def build_check_document(frame: LabelFrame, result: Mapping[str, Any]) -> Document:
    """`result`: the lint result as `check --format json` prints it."""
    from splitguard.core.class_stats import table_stats
    from splitguard.report.model import finding_from_dict

    stats = table_stats(frame)
    findings = [finding_from_dict(finding) for finding in result["findings"]]
    sections: list[Section] = [
        overview_section(stats, frame),
        check_findings_section(findings),
    ]
    if frame.splits is not None:
        from splitguard.report.measure import actual_shares, coverage_entries, split_entries

        shares = actual_shares(frame)
        splits = split_entries(frame, shares)
        classes = [label.name for label in by_prevalence(stats)]
        sections += [
            leakage_section(None, findings),
            coverage_section(coverage_entries(frame, shares), splits, classes, CHECK_ELSEWHERE),
            groups_section(splits, stats),
        ]
    sections += [frequency_section(stats, CHECK_ELSEWHERE), weights_section(stats, CHECK_ELSEWHERE)]
    return Document(
        title="splitguard check",
        subtitle=f"Findings, coverage and class frequencies of {input_names(frame)}",
        sections=tuple(sections),
    )


def write_check_reports(
    frame: LabelFrame, result: Mapping[str, Any], *, html: str | None, markdown: str | None
) -> Written:
    return write_reports(
        build_check_document(frame, result),
        html_path=None if html is None else Path(html),
        markdown_path=None if markdown is None else Path(markdown),
    )
