"""A chart's SVG: a class name the font cannot draw is no warning on the terminal."""

from __future__ import annotations

import warnings

from splitguard.report.svg import chart_context, figure_svg


def test_a_glyph_missing_from_the_font_is_not_a_warning() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with chart_context("bars"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = Figure()
        figure.add_subplot().set_title("class \x13x \U000c603c")
        svg = figure_svg(figure, "bars", "title", "description")
    assert "<svg" in svg
    assert [str(w.message) for w in caught] == []
