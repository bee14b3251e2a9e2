"""`--format json`: `{"version": 1, "findings": [...], "summary": {...}}`, stable keys."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from splitguard.lint.engine import LintResult


def render(result: LintResult) -> str:
    return json.dumps(result.as_dict(), indent=2, ensure_ascii=False)
