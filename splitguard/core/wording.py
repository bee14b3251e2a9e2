"""Counts, numbers and shares as people read them: '1 row', '8 warnings', '0.0101', '1.3%'.

Every sentence that counts something says it through `counted`, and every figure a
person reads goes through `number` or `percent`; JSON and SARIF keep the full values.
"""

from __future__ import annotations

import math

SIGNIFICANT = 3


def number(value: float, digits: int = SIGNIFICANT) -> str:
    """`value` to `digits` significant digits, never in exponent notation, with
    thousands separators: '20,000', '493', '1.5', '0.0101', '0.000012'.

    A whole number keeps all its digits (a count is never rounded).
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if float(value).is_integer():
        return f"{int(value):,}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}"
    # '1.50' reads as more precise than the figure is: drop the zeros rounding left.
    return text.rstrip("0").rstrip(".") if "." in text else text


def counted(count: float, noun: str, plural: str | None = None) -> str:
    """'1 row', '2 rows', '8,103 groups', '0.5 points': a count and its noun, agreeing."""
    return f"{number(count)} {noun if count == 1 else plural or noun + 's'}"


def percent(share: float, digits: int = 1) -> str:
    """A share (0..1) as a percentage a reader can compare: '1.3%', '53.8%', '0.00089%'.

    `digits` decimals, except that a share too small for them keeps two significant
    digits rather than reading as 0.0%.
    """
    value = share * 100
    if value == 0 or abs(value) >= 10**-digits:
        return f"{value:.{digits}f}%"
    decimals = 1 - math.floor(math.log10(abs(value)))
    return f"{value:.{decimals}f}%"
