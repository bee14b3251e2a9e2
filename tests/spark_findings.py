"""What two engines' findings agree on: those of the rules that read counts.

With `--engine spark` the rules that read rows see a sample and may find less; the
rules that read counts see every row, so their findings match the in-memory ones.
"""

from __future__ import annotations

from typing import Any

from splitguard.rules.registry import registered_rules

# The keywords that read the NIH table.
NIH = {
    "labels": "Finding Labels",
    "sep": "|",
    "none": "No Finding",
    "id": "Image Index",
    "group": "Patient ID",
}
COUNTED = frozenset(code for code, rule in registered_rules().items() if rule.reads == "counts")


def counted(findings: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(code, severity, message, split, class) of each JSON finding of a counts rule."""
    return [
        (
            f["code"],
            f["severity"],
            f["message"],
            f["location"].get("split"),
            f["location"].get("label"),
        )
        for f in findings
        if f["code"] in COUNTED
    ]
