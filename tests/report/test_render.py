"""The terminal coverage bars (`splitguard.cli.render.print_coverage`)."""

from __future__ import annotations

import pytest

from splitguard.cli.render import coverage_bar, print_coverage
from splitguard.report.model import RunReport


def test_bar_marks_target_and_minimum() -> None:
    met = coverage_bar(100, 100.0, 20)
    assert met.startswith("[cyan]") and "┊" in met and "│" in met
    short = coverage_bar(10, 22.7, 20)
    assert short.startswith("[red]")
    cells = short.removeprefix("[red]").removesuffix("[/]")
    # The bar stops before the minimum's mark.
    assert cells.index("│") >= cells.count("█")


def test_print_coverage_lists_every_class_and_split(
    split_report: RunReport, capsys: pytest.CaptureFixture[str]
) -> None:
    print_coverage(split_report)
    out = capsys.readouterr().out
    for label in split_report.stats.labels:
        assert label.name in out
    hernia = next(line for line in out.splitlines() if line.strip().startswith("Hernia"))
    assert "    19 " in hernia  # in val, below its minimum of 20
    assert max(len(line) for line in out.splitlines()) <= 80
