"""Fixed chart geometry: margins in inches and tick positions chosen here, not by matplotlib.

matplotlib's layout engines and tick locators measure every text artist several times;
on the NIH report they cost more than the second `split` may spend on the whole report.
Text widths are estimated from the character count instead (DejaVu Sans at 9 pt runs
about 0.075 inch per character on average).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INCH_PER_CHAR = 0.075


def text_width(labels: Sequence[str], size: float = 9.0) -> float:
    """Estimated width in inches of the longest label at `size` points."""
    longest = max((len(label) for label in labels), default=0)
    return longest * INCH_PER_CHAR * size / 9.0


def set_margins(figure: Figure, left: float, right: float, top: float, bottom: float) -> None:
    """Margins in inches around the axes grid."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - top / height,
        bottom=bottom / height,
        wspace=0.25,
    )


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """About `count` round tick positions from 0 to at least `maximum`."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * index for index in range(math.ceil(maximum / step - 1e-9) + 1)]


def tick_label(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:g}%"
    return f"{value:,.0f}" if value >= 1 or value == 0 else f"{value:g}"
