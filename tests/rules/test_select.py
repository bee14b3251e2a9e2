"""Selecting and silencing rules by code or prefix; the most specific entry wins."""

from __future__ import annotations

import pytest

from splitguard.core.errors import OptionError
from splitguard.lint.findings import Finding, Location
from splitguard.rules.select import (
    override,
    place_ignores,
    select_codes,
    severity_overrides,
    silenced,
)

CODES = ["SG101", "SG201", "SG202", "SG301", "SG302", "SG401"]


@pytest.mark.parametrize(
    ("select", "ignore", "extend", "expected"),
    [
        ((), (), (), CODES),
        (("SG3",), (), (), ["SG301", "SG302"]),
        (("SG3",), ("SG302",), (), ["SG301"]),
        (("SG302",), ("SG3",), (), ["SG302"]),
        ((), ("SG2", "SG4"), (), ["SG101", "SG301", "SG302"]),
        (("SG1",), (), ("SG401",), ["SG101", "SG401"]),
        (("ALL",), ("SG",), (), []),
    ],
)
def test_select_ignore_extend(
    select: tuple[str, ...], ignore: tuple[str, ...], extend: tuple[str, ...], expected: list[str]
) -> None:
    assert select_codes(CODES, select, ignore, extend) == expected


@pytest.mark.parametrize("where", ["select", "ignore", "extend"])
def test_an_unknown_code_is_an_error_not_silence(where: str) -> None:
    arguments = {"select": (), "ignore": (), "extend_select": ()}
    arguments["extend_select" if where == "extend" else where] = ("SG999",)
    with pytest.raises(OptionError, match="SG999"):
        select_codes(CODES, **arguments)


def _finding(
    code: str = "SG302", split: str | None = "test", label: str | None = "Hernia"
) -> Finding:
    return Finding(code, "x", "coverage", "warning", "m", Location(split=split, label=label))


def test_severity_override_longest_prefix_wins() -> None:
    overrides = severity_overrides({"SG3": "info", "SG302": "error"}, CODES)
    assert override(_finding(), overrides).severity == "error"
    assert override(_finding("SG301"), overrides).severity == "info"
    with pytest.raises(OptionError, match="fatal"):
        severity_overrides({"SG3": "fatal"}, CODES)


def test_per_class_and_per_split_ignores() -> None:
    by_class = place_ignores({"Hernia": ["SG3"]}, CODES, "per-class-ignores")
    by_split = place_ignores({"train": "SG302"}, CODES, "per-split-ignores")
    assert silenced(_finding(), by_class, {})
    assert not silenced(_finding(label="Mass"), by_class, {})
    assert silenced(_finding(split="train", label="Mass"), {}, by_split)
    assert not silenced(_finding(split="val", label="Mass"), by_class, by_split)
    with pytest.raises(OptionError, match="SG9"):
        place_ignores({"Hernia": ["SG9"]}, CODES, "per-class-ignores")
