"""The report of `splitguard stats --html/--markdown`: class frequencies and weights."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from splitguard.report.classes import frequency_section, weights_section
from splitguard.report.document import Document, Facts, Section
from splitguard.report.fmt import count, number
from splitguard.report.output import Written, write_reports
from splitguard.report.scale import Elsewhere

# Where a stats page of a long class list sends the reader for the classes it leaves out.
STATS_ELSEWHERE = Elsewhere(
    classes="splitguard stats --format json prints every class.",
    weights="splitguard stats --weights-out FILE writes every class's weights as JSON, "
    "in the input's class order.",
    coverage="",
)

if TYPE_CHECKING:
    from splitguard.core.class_stats import TableStats
    from splitguard.core.frame import LabelFrame


def input_names(frame: LabelFrame) -> str:
    from splitguard.core.paths import shown_path

    return ", ".join(dict.fromkeys(shown_path(source.path) for source in frame.sources))


def overview_section(stats: TableStats, frame: LabelFrame) -> Section:
    smallest, median, largest = stats.rows_per_group
    return Section(
        "overview",
        "The table",
        (
            Facts(
                (
                    ("Input", input_names(frame)),
                    ("Rows", count(stats.rows)),
                    ("Groups", count(stats.groups) if frame.has_groups else "none given"),
                    (
                        "Rows per group",
                        f"min {number(smallest)}, median {number(median)}, max {number(largest)}",
                    ),
                    ("Classes", count(frame.n_classes)),
                )
            ),
        ),
    )


def build_stats_document(frame: LabelFrame, stats: TableStats) -> Document:
    return Document(
        title="splitguard stats",
        subtitle=f"Class frequencies and weighted-loss weights of {input_names(frame)}",
        sections=(
            overview_section(stats, frame),
            frequency_section(stats, STATS_ELSEWHERE),
            weights_section(stats, STATS_ELSEWHERE),
        ),
    )


def write_stats_reports(
    frame: LabelFrame, stats: TableStats, *, html: str | None, markdown: str | None
) -> Written:
    return write_reports(
        build_stats_document(frame, stats),
        html_path=None if html is None else Path(html),
        markdown_path=None if markdown is None else Path(markdown),
    )
