"""Every rule's pass and fail cases, kept as data in tests/fixtures/rules/CODE.yaml.

A case is a tiny table (one `table`, or one file per split), the options that differ
from the defaults (see cases.py), a pandera YAML `schema` (for --schema), and how many
findings the rule alone must report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rules.cases import CASES, all_cases, cases_of, run_case

from splitguard.rules.registry import registered_rules


@pytest.mark.parametrize(
    ("code", "case"),
    [pytest.param(code, case, id=f"{code}-{name}") for code, name, case in all_cases()],
)
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    findings = run_case(code, case, tmp_path)
    assert [f.code for f in findings] == [code] * case["expect"], [f.message for f in findings]
    if "contains" in case:
        assert case["contains"] in findings[0].message


def test_every_rule_has_pass_and_fail_cases() -> None:
    for code in registered_rules():
        assert (CASES / f"{code}.yaml").is_file(), f"{code} has no cases file"
        cases = cases_of(code)
        assert any(c["expect"] == 0 for c in cases.values()), f"{code} has no passing case"
        assert any(c["expect"] > 0 for c in cases.values()), f"{code} has no failing case"
