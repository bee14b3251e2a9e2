"""matplotlib figure to an inline `<svg>` element: deterministic, titled, ids scoped.

Several charts share one page, so every id a chart defines (and every reference to
it) gets the chart's prefix; the XML prolog and DOCTYPE (which names a URL) go.
"""

from __future__ import annotations

import io
import re
import warnings
from contextlib import AbstractContextManager
from html import escape
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Same input, same bytes: no date or tool stamp, a fixed hash salt per chart, and text
# kept as text (smaller, searchable, selectable) instead of glyph paths.
METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
FONTS = ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"]
_TAG = re.compile(r"<[^>]*>")


def rc_params(chart_id: str) -> dict[str, Any]:
    """The matplotlib settings every chart is drawn under."""
    return {
        "svg.hashsalt": chart_id,
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": FONTS,
        "font.size": 9,
        # Class names are user data: a "$" must not switch to mathtext.
        "text.parse_math": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def chart_context(chart_id: str) -> AbstractContextManager[None]:
    """`with chart_context(id):` draws under `rc_params(id)`, global settings untouched."""
    import matplotlib

    # matplotlib types rc keys as a Literal union; ours are valid keys.
    return matplotlib.rc_context(cast(Any, rc_params(chart_id)))


def figure_svg(figure: Figure, chart_id: str, title: str, description: str) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Text stays text (svg.fonttype none): the browser picks a font for a character
        # DejaVu lacks. matplotlib's warning about it would reach the user's terminal,
        # with a class name's control character raw in it.
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        figure.savefig(buffer, format="svg", metadata=METADATA)
    return scoped_svg(buffer.getvalue(), chart_id, title, description)


def scoped_svg(svg: str, chart_id: str, title: str, description: str) -> str:
    """The `<svg>` element alone, ids prefixed, with `<title>` and `<desc>` first."""
    svg = svg[svg.index("<svg") :]

    def scope(match: re.Match[str]) -> str:
        # Inside a tag only: text content may hold the same characters, untouched.
        return (
            match.group(0)
            .replace(' id="', f' id="{chart_id}-')
            .replace("url(#", f"url(#{chart_id}-")
            .replace('href="#', f'href="#{chart_id}-')
        )

    svg = _TAG.sub(scope, svg)
    head_end = svg.index(">") + 1
    head = svg[:head_end].replace(
        "<svg ", f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" ', 1
    )
    return (
        f'{head}\n <title id="{chart_id}-title">{escape(title)}</title>'
        f'\n <desc id="{chart_id}-desc">{escape(description)}</desc>{svg[head_end:]}'
    ).rstrip() + "\n"
