"""The report `split` writes, checked as a reader sees it (report.html and report.md)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from report.page import read_page
from report.rendered import Rendered, render

from splitguard.report.findings_table import MOVES_SHOWN
from splitguard.report.model import RunReport

SECTIONS = (
    "request",
    "result",
    "frequencies",
    "weights",
    "coverage",
    "groups",
    "leakage",
    "findings",
    "manifest",
)
CHART_TITLES = (
    "Positive and negative share of each class",
    "Contribution of positives and negatives after weighting",
    "Positives per class in each split, against target and minimum",
    "Rows per group in each split",
)
URL = re.compile(r"(https?:)?//", re.IGNORECASE)


def test_every_section_is_present_in_order(split_pages: Rendered) -> None:
    assert tuple(read_page(split_pages.html).sections) == SECTIONS


def test_every_chart_is_an_inline_svg_with_a_title(split_pages: Rendered) -> None:
    page = read_page(split_pages.html)
    assert [chart.title for chart in page.charts] == list(CHART_TITLES)
    assert page.images == 0
    assert split_pages.html.count("<figure") == len(CHART_TITLES)


def test_no_external_resource_and_no_script(split_pages: Rendered) -> None:
    page = read_page(split_pages.html)
    assert page.scripts == 0
    assert page.links, "the contents list links to the sections"
    for tag, attribute, value in page.links:
        assert value.startswith("#"), (tag, attribute, value)
    for style in page.styles:
        for url in re.findall(r"url\(([^)]*)\)", style):
            assert url.strip("'\" ").startswith("#"), url
    # The only absolute URLs are the SVG namespace names, which nothing fetches.
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", split_pages.html)
    assert not re.search(r"https?://", without_namespaces)
    assert "@import" not in split_pages.html


def test_ids_are_unique_across_charts(split_pages: Rendered) -> None:
    ids = read_page(split_pages.html).ids
    assert len(ids) == len(set(ids))
    for reference in re.findall(r'(?:url\(#|href="#)([^)"]+)', split_pages.html):
        assert reference in ids


def test_headline_weights_and_coverage_read_right(split_pages: Rendered) -> None:
    text = split_pages.html
    assert 'Leakage</dt><dd class="ok">none</dd>' in text
    # The hash split leaves Hernia one short of 20 positives in val: shown, in red.
    assert "1 class-split pair short of the minimum" in text
    assert '<tr class="bad"><td>Hernia</td><td>val</td>' in text
    assert '"w_pos": [0.896905, ' in text
    assert "95% Wilson interval of a measured sensitivity of 0.75" in text


def test_same_input_gives_the_same_bytes(
    split_pages: Rendered, split_report: RunReport, tmp_path: Path
) -> None:
    again = render(tmp_path, split_report)
    assert again.html == split_pages.html
    assert again.markdown == split_pages.markdown


def test_markdown_carries_the_tables(split_pages: Rendered) -> None:
    markdown = split_pages.markdown
    for heading in (
        "## The request",
        "## Result",
        "## Class frequencies",
        "## Class weights for a weighted loss",
        "## Coverage per split",
        "## Splits and group sizes",
        "## Leakage check",
        "## Findings before and after",
        "## Manifest",
    ):
        assert f"\n{heading}\n" in markdown
    assert "| class | positives | negatives | freq\\_pos |" in markdown
    assert "| Hernia | val | 19 | 11 | 22.7 | 20 | 0.51-0.88 | below minimum |" in markdown
    assert "<details><summary>" in markdown  # the 42-row coverage table folds
    assert "<svg" not in markdown and "<script" not in markdown


def test_fix_report_shows_moves_and_findings_before(fix_pages: Rendered) -> None:
    page = read_page(fix_pages.html)
    assert "moves" in page.sections
    repair = fix_pages.report.repair
    assert repair is not None and len(repair.moves) > MOVES_SHOWN
    rows = re.findall(r"<tr><td>[^<]*</td><td>(\w+(?:, \w+)*)</td><td>(\w+)</td>", fix_pages.html)
    assert len(rows) == MOVES_SHOWN
    assert rows[0] == (", ".join(repair.moves[0].from_splits), repair.moves[0].to)
    assert f"{len(repair.moves) - MOVES_SHOWN:,} more rows are not shown" in fix_pages.html
    leak = next(f for f in fix_pages.report.findings_before if f.code == "SG201")
    assert f"<td>SG201</td><td>{leak.name}</td><td>error</td>" in fix_pages.html
    assert "Before</dt><dd>1 error, 1 info</dd>" in fix_pages.html


def test_fix_report_names_the_split_that_keeps_the_train_floor(fix_pages: Rendered) -> None:
    assert "- **Train floor**: train keeps at least 40% of every class's positive rows" in (
        fix_pages.markdown
    )


HOSTILE = '<script>alert("x")</script> | *a* _b_ $x$ `c`'


def rename(value: Any, old: str, new: str) -> Any:
    """`value` with every string equal to `old` replaced by `new`, at any depth."""
    if isinstance(value, dict):
        return {key: rename(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [rename(item, old, new) for item in value]
    return new if value == old else value


def test_user_text_is_escaped_everywhere(
    split_report: RunReport, fix_report: RunReport, tmp_path: Path
) -> None:
    leak = fix_report.findings_before[0]
    hostile_finding = dataclasses.replace(
        leak,
        message=f"{HOSTILE} has 19 positives in val",
        location=dataclasses.replace(leak.location, label=HOSTILE),
    )
    report = dataclasses.replace(
        RunReport.from_dict(rename(split_report.to_dict(), "Hernia", HOSTILE)),
        findings_after=(hostile_finding,),
    )
    pages = render(tmp_path, report)
    assert "<script" not in pages.html
    assert read_page(pages.html).scripts == 0
    assert "&lt;script&gt;alert(" in pages.html
    # Every chart that names classes drew the name as text (no mathtext for "$x$").
    assert pages.html.count("&lt;script&gt;") >= 3 + 3
    assert "<script" not in pages.markdown
    assert '&lt;script&gt;alert\\("x"\\)&lt;/script&gt; \\| \\*a\\*' in pages.markdown


def test_moved_group_names_are_escaped(fix_report: RunReport, tmp_path: Path) -> None:
    assert fix_report.repair is not None
    moves = fix_report.repair.moves
    repair = dataclasses.replace(
        fix_report.repair, moves=(dataclasses.replace(moves[0], group="<b>99</b>"), *moves[1:])
    )
    pages = render(tmp_path, dataclasses.replace(fix_report, repair=repair))
    assert "<b>99</b>" not in pages.html and "&lt;b&gt;99&lt;/b&gt;" in pages.html
