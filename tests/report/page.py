"""Read a report page as a browser would: tags, ids, sections, charts, links."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Chart:
    title: str = ""
    figure_caption: str = ""


@dataclass
class Page(HTMLParser):
    """Everything the structure tests look at, gathered in one pass."""

    ids: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # tag, attribute, value
    scripts: int = 0
    images: int = 0
    styles: list[str] = field(default_factory=list)
    _in_title: bool = False
    _in_style: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "section":
            self.sections.append(values.get("id", ""))
        if tag == "svg":
            self.charts.append(Chart())
        if tag == "img":
            self.images += 1
        if tag == "script":
            self.scripts += 1
        self._in_title = tag == "title" and bool(self.charts)
        self._in_style = tag == "style"
        for name, value in values.items():
            if name in ("src", "href", "xlink:href", "action", "srcset", "data", "poster"):
                self.links.append((tag, name, value))
            if name == "style":
                self.styles.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.charts[-1].title += data
        if self._in_style:
            self.styles.append(data)


def read_page(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page
