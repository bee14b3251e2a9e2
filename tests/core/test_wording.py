from __future__ import annotations

import pytest

from splitguard.core.wording import counted, number, percent


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "warning", "0 warnings"),
        (1, "warning", "1 warning"),
        (8, "warning", "8 warnings"),
        (1, "group", "1 group"),
        (8103, "group", "8,103 groups"),
        (2, "class", "2 classes"),
        (0.5, "point", "0.5 points"),
        (1.0, "point", "1 point"),
    ],
)
def test_counted_agrees_with_its_number(count: float, noun: str, expected: str) -> None:
    plural = "classes" if noun == "class" else None
    assert counted(count, noun, plural) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0100785, "0.0101"),
        (2e4, "20,000"),
        (20000.4, "20,000"),
        (1234567.0, "1,234,567"),
        (492.92, "493"),
        (1.5, "1.5"),
        (1.0, "1"),
        (0.000012, "0.000012"),
        (0.0, "0"),
        (-0.25, "-0.25"),
    ],
)
def test_number_never_uses_exponents_and_keeps_three_digits(value: float, expected: str) -> None:
    assert number(value) == expected


@pytest.mark.parametrize(
    ("share", "expected"),
    [(0.0132, "1.3%"), (0.538, "53.8%"), (0.0000089, "0.00089%"), (0.0, "0.0%")],
)
def test_percent_keeps_small_shares_readable(share: float, expected: str) -> None:
    assert percent(share) == expected
