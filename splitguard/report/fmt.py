"""Number formats shared by the sections (one place, so page and Markdown agree)."""

from __future__ import annotations

from typing import Any


def count(value: Any) -> str:
    """An integer with thousands separators; '-' when absent."""
    if value is None:
        return "-"
    return f"{int(value):,}"


def share(value: Any, digits: int = 2) -> str:
    """A fraction (0..1) as a percentage."""
    if value is None:
        return "-"
    return f"{float(value):.{digits}%}"


def number(value: Any, digits: int = 4) -> str:
    """A float with `digits` significant digits; integers stay whole."""
    if value is None:
        return "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{float(value):.{digits}g}"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"
