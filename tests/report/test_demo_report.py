"""The report of `splitguard demo` itself (the real NIH split), read as a person sees it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from report.page import read_page
from report.test_split_report import CHART_TITLES, SECTIONS


def test_demo_writes_a_complete_self_contained_report(
    tmp_path: Path, run: Callable[..., Any]
) -> None:
    out = tmp_path / "demo"
    result = run("demo", "--out", out)
    assert result.code == 0, result.err
    html = (out / "report.html").read_text(encoding="utf-8")
    page = read_page(html)
    assert tuple(page.sections) == SECTIONS
    assert [chart.title for chart in page.charts] == list(CHART_TITLES)
    assert page.scripts == 0 and page.images == 0
    assert all(value.startswith("#") for _, _, value in page.links)
    assert not re.search(r"https?://", re.sub(r'xmlns(:\w+)?="[^"]*"', "", html))
    report = json.loads((out / "report.json").read_text())
    assert 'Leakage</dt><dd class="ok">none</dd>' in html
    hernia_test = next(
        c for c in report["coverage"] if c["class"] == "Hernia" and c["split"] == "test"
    )
    assert f'<td>Hernia</td><td>test</td><td class="num">{hernia_test["positives"]}</td>' in html
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert f"| Hernia | test | {hernia_test['positives']} |" in markdown
