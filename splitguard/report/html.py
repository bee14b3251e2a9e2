"""A `Document` as one self-contained HTML page: inline CSS and SVG, no script, no URL.

Every piece of text is escaped here; chart SVG comes from `svg.scoped_svg`, whose text
matplotlib has escaped (the chart functions make names `printable` before drawing).
"""

from __future__ import annotations

import re
from html import escape as escape_attribute

from splitguard.core.printable import printable, printable_lines
from splitguard.report.document import (
    Block,
    Chart,
    Document,
    Facts,
    Section,
    Table,
    Text,
    omitted_note,
)

# A table longer than this folds into <details>: 835 classes x 3 splits is 2,505 rows.
FOLD_AFTER = 100


def escape(text: str) -> str:
    """Text content: &, < and > escaped, controls made `printable`; quotes kept (readable
    JSON when copied)."""
    return escape_attribute(printable(text), quote=False)


CSS = """
:root { --ink: #1d232b; --muted: #5b6573; --line: #d7dce2; --ok: #1e7b45; --bad: #b3261e; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       color: var(--ink); max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 2em; }
.subtitle, figcaption .desc, .note, caption { color: var(--muted); }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; list-style: none; }
nav a { color: #2456a6; }
dl.facts { display: grid; grid-template-columns: minmax(200px, max-content) 1fr; gap: 2px 18px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-weight: 600; }
.ok { color: var(--ok); } .bad, tr.bad td { color: var(--bad); }
.table-wrap { overflow-x: auto; margin: 12px 0; }
table { border-collapse: collapse; font-size: 0.92em; }
caption { text-align: left; padding: 4px 0; font-weight: 600; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: left;
         vertical-align: top; }
th { background: #f3f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
details > summary { cursor: pointer; color: #2456a6; margin: 12px 0; }
figure { margin: 16px 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-weight: 600; }
figcaption .desc { font-weight: normal; }
pre { background: #f3f5f7; padding: 10px 12px; overflow-x: auto; font-size: 0.88em; }
footer { margin-top: 3em; color: var(--muted); font-size: 0.85em; }
@page { margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, tr, dl.facts, pre { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; }
  th { background: none; }
}
"""


def render(document: Document, footer: str = "") -> str:
    """The page, as text (UTF-8)."""
    nav = "".join(
        f'<li><a href="#{escape_attribute(section.id)}">{escape(section.title)}</a></li>'
        for section in document.sections
    )
    body = "\n".join(_section(section) for section in document.sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(document.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{escape(document.title)}</h1>\n"
        f'<p class="subtitle">{escape(document.subtitle)}</p>\n'
        f'<nav aria-label="Sections"><ol>{nav}</ol></nav>\n</header>\n'
        f"<main>\n{body}\n</main>\n"
        f"<footer>{escape(footer)}</footer>\n</body>\n</html>\n"
    )


def _section(section: Section) -> str:
    blocks = "\n".join(_block(block) for block in section.blocks)
    return (
        f'<section id="{escape_attribute(section.id)}">\n<h2>{escape(section.title)}</h2>\n'
        f"{blocks}\n</section>"
    )


def _block(block: Block) -> str:
    if isinstance(block, Text):
        return f"<p>{_linked(block)}</p>"
    if isinstance(block, Facts):
        return _facts(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        return (
            f'<figure class="chart">\n<figcaption>{escape(block.title)}'
            f'<br><span class="desc">{escape(block.description)}</span></figcaption>\n'
            f"{block.draw()}</figure>"
        )
    caption = f'<p class="note">{escape(block.caption)}</p>\n' if block.caption else ""
    language = escape_attribute(block.language)
    return f'{caption}<pre><code class="language-{language}">{_code(block.text)}</code></pre>'


def _linked(text: Text) -> str:
    """The paragraph escaped, each file of `text.links` a relative link to it."""
    page = escape(text.text)
    for name in text.links:
        shown = escape(name)
        link = f'<a href="{escape_attribute(name)}">{shown}</a>'
        page = re.sub(rf"(?<![\w.]){re.escape(shown)}(?!\w)", link.replace("\\", "\\\\"), page)
    return page


def _code(text: str) -> str:
    """A code block keeps its line breaks; every other control is made `printable`."""
    return escape_attribute(printable_lines(text), quote=False)


def _facts(facts: Facts) -> str:
    rows = []
    for index, (name, value) in enumerate(facts.items):
        status = facts.status[index] if index < len(facts.status) else ""
        css = f' class="{escape_attribute(status)}"' if status else ""
        rows.append(f"<div><dt>{escape(name)}</dt><dd{css}>{escape(value)}</dd></div>")
    return '<dl class="facts">' + "".join(rows) + "</dl>"


def _table(table: Table) -> str:
    numeric = table.numeric or tuple(False for _ in table.columns)

    def cell(tag: str, text: str, index: int) -> str:
        css = ' class="num"' if index < len(numeric) and numeric[index] else ""
        return f"<{tag}{css}>{escape(text)}</{tag}>"

    head = "".join(cell("th", name, i) for i, name in enumerate(table.columns))
    rows = []
    for index, row in enumerate(table.rows):
        status = table.status[index] if index < len(table.status) else ""
        css = f' class="{escape_attribute(status)}"' if status else ""
        rows.append(f"<tr{css}>" + "".join(cell("td", text, i) for i, text in enumerate(row)))
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    more = f'<p class="note">{escape(omitted_note(table))}</p>' if table.omitted else ""
    page = (
        f'<div class="table-wrap"><table>{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>\n"
        + "</tr>\n".join(rows)
        + ("</tr>" if rows else "")
        + f"\n</tbody></table></div>{more}"
    )
    if len(table.rows) <= FOLD_AFTER:
        return page
    summary = f"{table.caption or 'The table'}: {len(table.rows):,} rows (click to show)"
    return f"<details><summary>{escape(summary)}</summary>\n{page}\n</details>"
