"""Write a document as HTML and/or Markdown, each file atomically."""

from __future__ import annotations

from pathlib import Path

from splitguard import __version__
from splitguard.io.write import atomic_write_bytes
from splitguard.report import html, markdown
from splitguard.report.document import Document

FOOTER = (
    f"Written by splitguard {__version__}. This page is self-contained: "
    "no script, no network access; it prints as it shows."
)


def write_reports(
    document: Document, *, html_path: Path | None, markdown_path: Path | None
) -> None:
    """Markdown first: it needs no plotting, so a failed chart still leaves it written."""
    if markdown_path is not None:
        atomic_write_bytes(markdown_path, markdown.render(document).encode("utf-8"))
    if html_path is not None:
        atomic_write_bytes(html_path, html.render(document, FOOTER).encode("utf-8"))
