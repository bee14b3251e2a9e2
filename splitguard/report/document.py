"""The report as data: sections of text, facts, tables, charts and code blocks.

Section builders produce these values; `html.render` and `markdown.render` turn them
into a page. All text here is plain (never markup): the renderers escape it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph of plain text; each of `links` (a file beside the report, named in
    `text`) is shown as a relative link to it."""

    text: str
    links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Facts:
    """Named figures, shown as a definition list (a bullet list in Markdown).

    `status` gives each item "", "ok" or "bad" (shown green or red on the page).
    """

    items: tuple[tuple[str, str], ...]
    status: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    """A table of plain-text cells; `numeric` columns align right.

    `status` gives each row "" or "bad" (shown in red on the page); `omitted` counts
    the rows left out to keep the report short, and `more` says so in words (default:
    that many rows, in report.json).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    caption: str = ""
    status: tuple[str, ...] = ()
    omitted: int = 0
    more: str = ""


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart drawn on demand (only the HTML page draws it; Markdown has the tables).

    `draw` returns an inline `<svg>` element that already carries `title`.
    """

    title: str
    description: str
    draw: Callable[[], str]


@dataclass(frozen=True, slots=True)
class Code:
    """A block to copy, such as the class weights as JSON."""

    language: str
    text: str
    caption: str = ""


Block = Text | Facts | Table | Chart | Code


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of the report; `id` is the page anchor."""

    id: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    subtitle: str
    sections: tuple[Section, ...]


def omitted_note(table: Table) -> str:
    """What a table leaves out and where it is, as both renderers print it."""
    return table.more or f"{table.omitted:,} more rows are not shown; report.json has them all."
