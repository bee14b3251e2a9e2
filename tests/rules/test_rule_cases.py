"""Every rule's pass and fail cases, kept as data in tests/fixtures/rules/CODE.yaml.

A case is a tiny table (one `table`, or one file per split), the options that differ
from the defaults below, a pandera YAML `schema` (for --schema), and how many findings
the rule alone must report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from splitguard.core.load import load_frame
from splitguard.core.options import label_spec
from splitguard.lint.config import LintConfig
from splitguard.lint.engine import lint
from splitguard.rules.registry import registered_options, registered_rules

CASES = Path(__file__).parents[1] / "fixtures" / "rules"
DEFAULTS: dict[str, Any] = {
    "labels": "labels",
    "sep": "|",
    "none": ("none",),
    "id": "id",
    "group": ("patient",),
}


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, case in document["cases"].items():
            found.append(pytest.param(document["rule"], case, id=f"{document['rule']}-{name}"))
    return found


def _values(case: dict[str, Any]) -> dict[str, Any]:
    """The case's options over the defaults, parsed as config-file keys are (null: unset)."""
    known = registered_options()
    values = {**DEFAULTS, **case.get("options", {})}
    return {
        name: None if value is None else known[name].parse(value, name)
        for name, value in values.items()
    }


def run_case(code: str, case: dict[str, Any], folder: Path) -> list[Any]:
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
    return list(lint(frame, LintConfig.of({**values, "select": (code,)})).findings)


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    findings = run_case(code, case, tmp_path)
    assert [f.code for f in findings] == [code] * case["expect"], [f.message for f in findings]
    if "contains" in case:
        assert case["contains"] in findings[0].message


def test_every_rule_has_pass_and_fail_cases() -> None:
    for code in registered_rules():
        path = CASES / f"{code}.yaml"
        assert path.is_file(), f"{code} has no cases file"
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
        assert any(c["expect"] == 0 for c in cases.values()), f"{code} has no passing case"
        assert any(c["expect"] > 0 for c in cases.values()), f"{code} has no failing case"
