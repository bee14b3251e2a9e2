"""`--format json`: `{"version": 1, "findings": [...], "summary": {...}}`, stable keys."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from splitguard.lint.formats import Format, View

if TYPE_CHECKING:
    from splitguard.lint.engine import LintResult


class Json(Format):
    name = "json"
    help = "a stable JSON shape for scripts"

    def render(self, result: LintResult, view: View) -> str:
        return json.dumps(view.shown(result).as_dict(), indent=2, ensure_ascii=False)
