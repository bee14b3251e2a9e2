"""The rule cases kept as data in tests/fixtures/rules/CODE.yaml, and how one is run.

A case is a tiny table (one `table`, or one file per split), the options that differ
from `DEFAULTS`, a pandera YAML `schema` (for --schema), and how many findings the rule
alone must report (`expect`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from splitguard.cli.common import label_spec
from splitguard.core.load import load_frame
from splitguard.lint.engine import lint
from splitguard.lint.findings import Finding

CASES = Path(__file__).parents[1] / "fixtures" / "rules"
DEFAULTS: dict[str, Any] = {
    "labels": "labels",
    "sep": "|",
    "none": ("none",),
    "id": "id",
    "group": ("patient",),
}


def cases_of(code: str) -> dict[str, dict[str, Any]]:
    """The cases of rule `code`, by name, in file order."""
    document = yaml.safe_load((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
    cases: dict[str, dict[str, Any]] = document["cases"]
    return cases


def all_cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(rule code, case name, case) for every case file, sorted by code."""
    return [
        (path.stem, name, case)
        for path in sorted(CASES.glob("*.yaml"))
        for name, case in cases_of(path.stem).items()
    ]


def _values(case: dict[str, Any]) -> dict[str, Any]:
    values = {**DEFAULTS, **case.get("options", {})}
    return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}


def run_case(
    code: str, case: dict[str, Any], folder: Path, select: Sequence[str] = ()
) -> list[Finding]:
    """Write the case's files into `folder` and lint them with rule `code` (or `select`)."""
    values = _values(case)
    if "schema" in case:
        values["schema"] = str(folder / "schema.yaml")
        (folder / "schema.yaml").write_text(case["schema"], encoding="utf-8")
    inputs: list[tuple[str | None, Path]] = []
    for split, text in case["files"].items():
        path = folder / f"{split}.csv"
        path.write_text(text, encoding="utf-8")
        inputs.append((None if split == "table" else split, path))
    frame = load_frame(inputs, label_spec(values), strict=False)
    return list(lint(frame, {**values, "select": tuple(select) or (code,)}).findings)
