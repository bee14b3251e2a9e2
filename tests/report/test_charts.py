"""The charts' cost grows with their rows by one text a row, not by artists per bar."""

from __future__ import annotations

import re
from collections import Counter

from splitguard.report.charts import coverage_chart, paired_bars


def _elements(svg: str, chart_id: str) -> Counter[str]:
    """How many of each kind of element (patch, text, ytick, ...) the SVG holds."""
    return Counter(re.findall(rf'id="{chart_id}-([A-Za-z]+)_\d+"', svg))


def _paired(rows: int) -> str:
    names = [f"class-{i}" for i in range(rows)]
    return paired_bars(
        "f", "title", "desc", names, ([0.1] * rows, [0.9] * rows), ("pos", "neg"), "share"
    )


def test_paired_bars_draw_each_series_as_one_element_and_each_name_once() -> None:
    few, many = _elements(_paired(5), "f"), _elements(_paired(60), "f")
    assert many["PolyCollection"] == few["PolyCollection"] == 2
    assert many["patch"] == few["patch"]  # background and legend keys only
    assert many["ytick"] == few["ytick"] == 0
    assert many["text"] - few["text"] == 55
    svg = _paired(60)
    assert all(f">class-{i}<" in svg for i in range(60))


def test_coverage_bars_are_one_element_a_panel_whatever_the_rows() -> None:
    def chart(rows: int) -> Counter[str]:
        classes = [f"class-{i}" for i in range(rows)]
        cells = {(c, s): (5, 2.0, 3, "0.1-0.9") for c in classes for s in "ab"}
        return _elements(coverage_chart("c", "t", "d", classes, ["a", "b"], cells), "c")

    few, many = chart(4), chart(40)
    assert many["PolyCollection"] == few["PolyCollection"] == 2
    assert many["patch"] == few["patch"]
    assert many["ytick"] == few["ytick"] == 0
    # Per row: its name once, and its interval text in each of the two panels.
    assert many["text"] - few["text"] == 36 * 3
