"""Registry, docstrings and the pages in rules/ say the same thing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from splitguard.rules.base import DOC_SECTIONS, FAMILIES
from splitguard.rules.docs import rule_markdown
from splitguard.rules.registry import registered_rules

PAGES = Path(__file__).parents[2] / "rules"
RULES = registered_rules()


@pytest.mark.parametrize("code", list(RULES))
def test_every_rule_documents_every_section(code: str) -> None:
    rule = RULES[code]
    assert rule.summary().endswith(".")
    sections = rule.sections()
    assert list(sections) == list(DOC_SECTIONS)
    assert all(sections.values()), f"{code} has an empty section"
    assert rule.family in FAMILIES


@pytest.mark.parametrize("code", list(RULES))
def test_the_page_is_the_docstring(code: str) -> None:
    page = PAGES / f"{code}.md"
    assert page.read_text(encoding="utf-8") == rule_markdown(RULES[code]), (
        f"rules/{code}.md is stale: run `python -m splitguard.rules.docs rules`"
    )


def test_pages_and_registry_hold_the_same_codes() -> None:
    assert sorted(p.stem for p in PAGES.glob("*.md")) == sorted(RULES)


def test_rule_command_prints_the_page(run: Callable[..., Any]) -> None:
    result = run("rule", "sg201")
    assert result.code == 0
    assert result.out == rule_markdown(RULES["SG201"])
