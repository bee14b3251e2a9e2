"""Write a document as HTML and/or Markdown, each file atomically, and say what was written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from splitguard import __version__
from splitguard.core.io.write import atomic_write_bytes
from splitguard.report import html, markdown
from splitguard.report.document import Document

FOOTER = (
    f"Written by splitguard {__version__}. This page is self-contained: "
    "no script, no network access; it prints as it shows."
)


@dataclass(frozen=True, slots=True)
class Written:
    """The report files written, and those that could not be rendered with the reason."""

    paths: tuple[Path, ...] = ()
    failed: tuple[tuple[Path, str], ...] = ()


def write_reports(
    document: Document, *, html_path: Path | None, markdown_path: Path | None
) -> Written:
    """Markdown first: it needs no plotting, so a failed chart still leaves it written.

    A page that fails to render is left unwritten and named in `Written.failed`; a file
    that cannot be written is an error, as for any output.
    """
    pages: list[tuple[Path | None, Callable[[], str]]] = [
        (markdown_path, lambda: markdown.render(document)),
        (html_path, lambda: html.render(document, FOOTER)),
    ]
    written: list[Path] = []
    failed: list[tuple[Path, str]] = []
    for path, render in pages:
        if path is None:
            continue
        try:
            text = render()
        except Exception as exc:  # a chart that cannot be drawn must not cost the other files
            failed.append((path, f"{type(exc).__name__}: {exc}"))
            continue
        atomic_write_bytes(path, text.encode("utf-8"))
        written.append(path)
    return Written(tuple(written), tuple(failed))
