"""The four charts of the report, drawn with matplotlib (SVG) from plain lists.

`matplotlib.figure.Figure` is used directly, not pyplot: no GUI backend, no global
figure registry, and a lighter import. Margins and ticks are fixed (see `layout`): the
whole report must add under a second to `split`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from splitguard.core.printable import printable
from splitguard.report.layout import nice_ticks, set_margins, text_width, tick_label
from splitguard.report.svg import chart_context, figure_svg

if TYPE_CHECKING:
    from matplotlib.axes import Axes

POSITIVE = "#d95f02"
NEGATIVE = "#4a6fa5"
SHORT = "#c0392b"
SPLIT_COLOURS = ("#4a6fa5", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e")
ROW_INCH = 0.3
PLOT_INCH = 4.25
NOTE_INCH = 0.25


def short_count(value: int) -> str:
    """1, 10, 100, 1k, 10k, 100k, 1M: tick labels that fit a narrow log axis."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value // size:,}{suffix}"
    return str(value)


def _value_axis(axes: Axes, maximum: float, percent: bool, axis: Literal["x", "y"] = "x") -> None:
    ticks = nice_ticks(maximum, 4)
    labels = [tick_label(tick, percent) for tick in ticks]
    if axis == "x":
        axes.set_xticks(ticks, labels)
        axes.set_xlim(0, ticks[-1])
    else:
        axes.set_yticks(ticks, labels)
        axes.set_ylim(0, ticks[-1])
    axes.grid(axis=axis, color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)


def _bars(
    axes: Axes,
    rows: Sequence[float],
    ends: Sequence[float],
    *,
    height: float,
    colours: str | Sequence[str],
    start: float = 0.0,
) -> None:
    """Horizontal bars from `start` to each end, centred on their rows, as one artist.

    `barh` builds, autoscales and draws a Rectangle per bar (about 2 ms each, 120 of
    them a chart at a long class list); the limits are set by the caller anyway.
    """
    from matplotlib.collections import PolyCollection

    half = height / 2
    polygons = [
        ((start, row - half), (end, row - half), (end, row + half), (start, row + half))
        for row, end in zip(rows, ends, strict=True)
    ]
    axes.add_collection(
        PolyCollection(polygons, facecolors=colours, edgecolors="none", linewidths=0),
        autolim=False,
    )


def _row_names(axes: Axes, names: Sequence[str]) -> None:
    """Each row's name left of the axes, as plain text.

    Not y tick labels: a tick is two marks, a grid line and two texts, built and drawn
    for each of up to 61 rows (most of a chart's time).
    """
    from matplotlib.transforms import ScaledTranslation

    axes.set_yticks([])
    # 7 points left of the axes, where tick labels sit (3.5 pt tick + 3.5 pt pad).
    left = ScaledTranslation(-7 / 72, 0, axes.figure.dpi_scale_trans)
    place = axes.get_yaxis_transform() + left
    for row, name in enumerate(names):
        axes.text(0, row, name, transform=place, ha="right", va="center")


def _mark_gap(axes: Axes, gap_at: int | None) -> None:
    """A dashed line where classes were left out (see `scale.ends`)."""
    if gap_at is not None:
        axes.axhline(gap_at - 0.5, color="#777777", linestyle="--", linewidth=1)


def paired_bars(
    chart_id: str,
    title: str,
    description: str,
    names: Sequence[str],
    values: tuple[Sequence[float], Sequence[float]],
    legend: tuple[str, str],
    xlabel: str,
    gap_at: int | None = None,
    note: str = "",
) -> str:
    """Two horizontal bars per class, side by side (positive above negative), as shares.

    `gap_at` marks a dashed line below that row, and `note` says under the chart what
    was left out there.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    with chart_context(chart_id):
        left = text_width(names) + 0.25
        bottom = 0.5 + (NOTE_INCH if note else 0.0)
        height = 0.7 + bottom + ROW_INCH * len(names)
        # Wide enough for the longest name and a readable plot, however long the names.
        figure = Figure(figsize=(max(7.5, left + 0.25 + PLOT_INCH), height))
        set_margins(figure, left, 0.25, 0.45, bottom)
        axes = figure.add_subplot()
        rows = range(len(names))
        first, second = values
        _bars(axes, [r + 0.2 for r in rows], first, height=0.4, colours=POSITIVE)
        _bars(axes, [r - 0.2 for r in rows], second, height=0.4, colours=NEGATIVE)
        _row_names(axes, [printable(name) for name in names])
        axes.set_ylim(-0.6, len(names) - 0.4)
        _value_axis(axes, max([*first, *second, 1e-9]), percent=True)
        axes.set_xlabel(xlabel)
        _mark_gap(axes, gap_at)
        if note:
            figure.text(0.01, 0.08 / height, note, fontsize=8.5, color="#333")
        keys = [
            Patch(facecolor=colour, label=name)
            for colour, name in zip((POSITIVE, NEGATIVE), legend, strict=True)
        ]
        figure.legend(
            handles=keys, loc="upper left", ncols=2, frameon=False, bbox_to_anchor=(0.0, 1.0)
        )
        return figure_svg(figure, chart_id, title, description)


def coverage_chart(
    chart_id: str,
    title: str,
    description: str,
    classes: Sequence[str],
    splits: Sequence[str],
    cells: Mapping[tuple[str, str], tuple[int, float, int, str]],
    labels: Sequence[str] | None = None,
    gap_at: int | None = None,
    note: str = "",
) -> str:
    """One panel per split: positives per class, target (◆) and minimum (red |).

    `cells[(class, split)]` is (positives, target, minimum, interval text); a class
    below its minimum is drawn red. The count axis is logarithmic: 20 positives of a
    rare class must stay as readable as 15,000 of a common one. `labels` are the axis
    labels of `classes` (shortened names); `gap_at` and `note` as in `paired_bars`.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullLocator

    labels = [printable(name) for name in (classes if labels is None else labels)]
    with chart_context(chart_id):
        left = text_width(labels) + 0.25
        bottom = 0.9 + (NOTE_INCH if note else 0.0)
        height = 0.7 + bottom + ROW_INCH * len(classes)
        figure = Figure(figsize=(left + 2.75 * len(splits), height))
        set_margins(figure, left, 0.15, 0.35, bottom)
        # Not sharey: shared axes still build hidden tick labels for every panel.
        panels = figure.subplots(1, len(splits), squeeze=False)[0]
        rows = list(range(len(classes)))
        top = max([max(cell[0], cell[1], cell[2]) for cell in cells.values()] or [1])
        decades = [10**power for power in range(len(str(int(top * 1.2))) + 1)]
        for axes, split in zip(panels, splits, strict=True):
            data = [cells.get((name, split), (0, 0.0, 0, "")) for name in classes]
            colours = [SHORT if cell[0] < cell[2] else NEGATIVE for cell in data]
            # Bars start at 1: a log axis has no 0, and a class with none shows no bar.
            _bars(axes, rows, [max(cell[0], 1) for cell in data], height=0.6, colours=colours,
                  start=1)  # fmt: skip
            axes.plot([max(c[1], 1) for c in data], rows, "d", color="black", markersize=4)
            marked = [(cell[2], row) for cell, row in zip(data, rows, strict=True) if cell[2] > 0]
            if marked:
                axes.plot(
                    [m[0] for m in marked], [m[1] for m in marked], "|", color=SHORT,
                    markersize=11, markeredgewidth=2,
                )  # fmt: skip
            for row, cell in enumerate(data):
                end = max(cell[0], cell[1], cell[2], 1)
                axes.text(end * 1.25, row, cell[3], va="center", fontsize=7, color="#444")
            axes.set_xscale("log")
            axes.set_xticks(decades, [short_count(d) for d in decades])
            axes.xaxis.set_minor_locator(NullLocator())
            # Room on the right for the interval text.
            axes.set_xlim(1, decades[-1] * 8)
            axes.grid(axis="x", color="#dddddd", linewidth=0.6)
            axes.set_axisbelow(True)
            # A plain text, not set_title: titles re-measure the whole axes to place it.
            axes.text(
                0, 1.01, printable(split), transform=axes.transAxes, fontweight="bold", va="bottom"
            )
            if axes is panels[0]:
                _row_names(axes, labels)
            else:
                axes.set_yticks([])
            axes.set_ylim(-0.6, len(classes) - 0.4)
            _mark_gap(axes, gap_at)
        # Legend lines placed in inches from the bottom: the figure's height varies.
        lines = [
            "bars: positive rows (log scale; red when below the minimum)    ◆ target    "
            "red |: minimum asked",
            "text: the 95% Wilson interval of a measured sensitivity of 0.75 "
            "with that many positives",
            *([note] if note else []),
        ]
        for index, line in enumerate(lines):
            inches = 0.08 + NOTE_INCH * (len(lines) - 1 - index)
            figure.text(0.01, inches / height, line, fontsize=8.5, color="#333")
        return figure_svg(figure, chart_id, title, description)


def count_bins_chart(
    chart_id: str,
    title: str,
    description: str,
    bins: Sequence[str],
    counts: Sequence[int],
    xlabel: str,
) -> str:
    """Vertical bars: how many classes fall in each bin (the shape of a long class list)."""
    from matplotlib.figure import Figure

    with chart_context(chart_id):
        figure = Figure(figsize=(7.5, 2.8))
        set_margins(figure, 0.75, 0.2, 0.25, 0.55)
        axes = figure.add_subplot()
        positions = list(range(len(bins)))
        axes.bar(positions, counts, width=0.7, color=NEGATIVE)
        for position, value in zip(positions, counts, strict=True):
            axes.text(position, value, f"{value:,}", ha="center", va="bottom", fontsize=8)
        axes.set_xticks(positions, list(bins))
        axes.set_xlabel(xlabel)
        _value_axis(axes, max([*counts, 1]) * 1.15, percent=False, axis="y")
        axes.set_ylabel("classes")
        return figure_svg(figure, chart_id, title, description)


def group_size_chart(
    chart_id: str,
    title: str,
    description: str,
    bins: Sequence[str],
    shares: Mapping[str, Sequence[float]],
    xlabel: str = "rows per group",
    ylabel: str = "share of groups",
) -> str:
    """Share of each split's groups (or classes) per bin, bars side by side."""
    from matplotlib.figure import Figure

    with chart_context(chart_id):
        figure = Figure(figsize=(7.5, 3.0))
        set_margins(figure, 0.75, 0.2, 0.4, 0.55)
        axes = figure.add_subplot()
        width = 0.8 / max(1, len(shares))
        for index, (split, values) in enumerate(shares.items()):
            offset = (index - (len(shares) - 1) / 2) * width
            colour = SPLIT_COLOURS[index % len(SPLIT_COLOURS)]
            positions = [b + offset for b in range(len(bins))]
            axes.bar(positions, values, width=width, color=colour, label=printable(split))
        axes.set_xticks(list(range(len(bins))), list(bins))
        axes.set_xlabel(xlabel)
        top = max([value for values in shares.values() for value in values] or [1.0])
        _value_axis(axes, top, percent=True, axis="y")
        axes.set_ylabel(ylabel)
        figure.legend(loc="upper left", ncols=len(shares), frameon=False, bbox_to_anchor=(0, 1))
        return figure_svg(figure, chart_id, title, description)
