"""A `Document` as GitHub-flavoured Markdown, fit for a pull-request comment.

Charts are left out (a comment shows no inline SVG); the tables next to them carry the
same figures. Long tables fold into `<details>` so the comment stays readable.
"""

from __future__ import annotations

import html
import re

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

FOLD_AFTER = 20
# Markdown punctuation that could turn user data (class names, ids) into markup.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def escape(text: str) -> str:
    """Plain text safe in a paragraph or a table cell (no markup, no raw HTML, one line)."""
    text = " ".join(printable(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def render(document: Document) -> str:
    parts = [f"# {escape(document.title)}", escape(document.subtitle)]
    parts += [_section(section) for section in document.sections]
    return "\n\n".join(part for part in parts if part) + "\n"


def _section(section: Section) -> str:
    blocks = [_block(block) for block in section.blocks]
    return "\n\n".join([f"## {escape(section.title)}", *(b for b in blocks if b)])


def _block(block: Block) -> str:
    if isinstance(block, Text):
        text = escape(block.text)
        for name in block.links:
            link = f"[{escape(name)}]({name})"
            shown = re.escape(escape(name))
            text = re.sub(rf"(?<![\w.\\]){shown}(?!\w)", link.replace("\\", "\\\\"), text)
        return text
    if isinstance(block, Facts):
        return "\n".join(f"- **{escape(name)}**: {escape(value)}" for name, value in block.items)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        return ""
    caption = f"{escape(block.caption)}\n\n" if block.caption else ""
    # A fence longer than any backtick run inside, so the block cannot be closed early.
    text = printable_lines(block.text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{caption}{fence}{block.language}\n{text}\n{fence}"


def _table(table: Table) -> str:
    numeric = table.numeric or tuple(False for _ in table.columns)
    align = [
        "---:" if index < len(numeric) and numeric[index] else "---"
        for index in range(len(table.columns))
    ]
    lines = [
        "| " + " | ".join(escape(name) for name in table.columns) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(escape(text) or " " for text in row) + " |" for row in table.rows),
    ]
    if table.omitted:
        lines.append(f"\n{escape(omitted_note(table))}")
    text = "\n".join(lines)
    if len(table.rows) > FOLD_AFTER:
        # Inside an HTML block Markdown is not parsed: HTML escaping only.
        caption = table.caption or f"{len(table.rows):,} rows"
        summary = html.escape(" ".join(printable(caption).split()))
        return f"<details><summary>{summary}</summary>\n\n{text}\n\n</details>"
    if table.caption:
        return f"**{escape(table.caption)}**\n\n{text}"
    return text
