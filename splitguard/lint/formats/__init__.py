"""Output formats for `splitguard check`: one small module each, imported when chosen.

Every module but `text` has `render(result) -> str`; `text` prints with rich.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from splitguard.lint.engine import LintResult


def render(result: LintResult, name: str) -> str:
    """`result` in machine format `name` (json, sarif, github or junit)."""
    module = importlib.import_module(f"splitguard.lint.formats.{name}")
    text: str = module.render(result)
    return text
