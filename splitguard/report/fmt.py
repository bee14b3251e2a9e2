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
    """A float with `digits` significant digits, never in exponent notation; integers
    stay whole."""
    if value is None:
        return "-"
    from splitguard.core.wording import number as readable

    return readable(float(value), digits)
