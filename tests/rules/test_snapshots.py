"""Every rule's full findings on its failing cases, compared with a stored snapshot.

As ruff snapshots each rule's diagnostics: for every registered rule, the findings of
each failing case in tests/fixtures/rules/CODE.yaml (code, name, family, severity,
message and every location field) are serialised to tests/rules/snapshots/CODE.json and
compared exactly, so a changed word, sample or count shows in review as a diff of that
file. After a deliberate change, rewrite the snapshots and review the diff:

    SPLITGUARD_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/rules/test_snapshots.py

Each case runs in its own folder, shown in the snapshot as `<case>`, so that no
machine's path is stored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from rules.cases import cases_of, run_case

from splitguard.rules.registry import registered_rules

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("SPLITGUARD_UPDATE_SNAPSHOTS") == "1"
CASE_FOLDER = "<case>"


def _without_folder(value: Any, folders: tuple[str, ...]) -> Any:
    """`value` with every mention of a case folder replaced by `CASE_FOLDER`."""
    if isinstance(value, str):
        for folder in folders:
            value = value.replace(folder, CASE_FOLDER)
        return value
    if isinstance(value, dict):
        return {key: _without_folder(item, folders) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_folder(item, folders) for item in value]
    return value


def snapshot_of(code: str, folder: Path) -> str:
    """The findings of each failing case of rule `code`, as the stored JSON text."""
    findings: dict[str, list[dict[str, Any]]] = {}
    for name, case in cases_of(code).items():
        if case["expect"] == 0:
            continue
        case_folder = folder / name
        case_folder.mkdir()
        # Longest first: the resolved path may extend the given one (/tmp -> /private/tmp).
        folders = tuple(sorted({str(case_folder.resolve()), str(case_folder)}, key=len))[::-1]
        found = run_case(code, case, case_folder)
        findings[name] = [_without_folder(f.as_dict(), folders) for f in found]
    document = {"rule": code, "cases": findings}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("code", sorted(registered_rules()))
def test_findings_match_the_snapshot(code: str, tmp_path: Path) -> None:
    produced = snapshot_of(code, tmp_path)
    stored = SNAPSHOTS / f"{code}.json"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        stored.write_text(produced, encoding="utf-8")
    assert stored.is_file(), (
        f"{code} has no snapshot {stored.name}: run with SPLITGUARD_UPDATE_SNAPSHOTS=1 "
        "and review the file it writes"
    )
    assert produced == stored.read_text(encoding="utf-8"), (
        f"{code}'s findings differ from {stored.name}; if the change is meant, run with "
        "SPLITGUARD_UPDATE_SNAPSHOTS=1 and review the diff"
    )


def test_every_snapshot_belongs_to_a_registered_rule() -> None:
    stale = sorted({path.stem for path in SNAPSHOTS.glob("*.json")} - set(registered_rules()))
    assert not stale, f"snapshots of rules no longer registered: {stale}; delete them"


def test_snapshots_hold_no_machine_path() -> None:
    for path in sorted(SNAPSHOTS.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        for root in ("/tmp", "/home/", "/Users/", "/private/", "/work/", "\\\\"):
            assert root not in text, f"{path.name} holds a machine path ({root})"
