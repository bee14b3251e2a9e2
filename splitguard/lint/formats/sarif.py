"""`--format sarif`: SARIF 2.1.0, the rules in the driver, one result per finding.

A finding's place is its file where there is one, with the line of its first offending
row in a CSV file (Parquet has no lines: its row number rides in `properties`), and a
logical location `split/class/column`; the full location rides in `properties`.

A file under the repository root is a relative URI against the base `%SRCROOT%`, as
code scanning resolves it; the run leaves that base's absolute place unsaid
(`originalUriBaseIds` without a `uri`), so the log names no folder of this machine. A
file outside the root is given as an absolute `file:` URI, without the base.
An aggregated finding's list of classes rides in `properties.classes`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard.core.paths import is_outside
from splitguard.lint.formats import Format, View

if TYPE_CHECKING:
    from splitguard.lint.engine import LintResult
    from splitguard.lint.findings import Finding

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
ROOT = "%SRCROOT%"


def _location(finding: Finding) -> dict[str, Any]:
    where = finding.location
    location: dict[str, Any] = {}
    if where.file:
        physical: dict[str, Any] = {"artifactLocation": _artifact(where.file)}
        if where.line is not None:
            physical["region"] = {"startLine": where.line}
        location["physicalLocation"] = physical
    parts = [part for part in (where.split, where.label, where.column) if part]
    location["logicalLocations"] = [
        {"fullyQualifiedName": "/".join(parts) or "table", "kind": "object"}
    ]
    return location


def _artifact(file: str) -> dict[str, str]:
    from urllib.parse import quote

    if not is_outside(file):
        return {"uri": quote(file.replace("\\", "/")), "uriBaseId": ROOT}
    if Path(file).is_absolute():
        return {"uri": Path(file).as_uri()}
    return {"uri": quote(file.replace("\\", "/"))}


class Sarif(Format):
    name = "sarif"
    help = "SARIF 2.1.0 for code scanning"

    def render(self, result: LintResult, view: View) -> str:
        return _render(view.shown(result))


def _render(result: LintResult) -> str:
    from splitguard import __version__

    rules = list(result.rules)
    index = {rule.code: i for i, rule in enumerate(rules)}
    driver = {
        "name": "splitguard",
        "version": __version__,
        "rules": [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary()},
                "fullDescription": {"text": rule.documentation()},
                "defaultConfiguration": {"level": LEVELS[rule.severity]},
                "properties": {"family": rule.family},
            }
            for rule in rules
        ],
    }
    results = []
    for finding in result.findings:
        entry: dict[str, Any] = {
            "ruleId": finding.code,
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [_location(finding)],
            "partialFingerprints": {"splitguard/v1": finding.fingerprint},
            "properties": finding.as_dict()["location"],
        }
        if finding.classes:
            # An aggregated finding's every class, with its count and its own message.
            entry["properties"]["classes"] = [e.as_dict() for e in finding.classes]
        if finding.code in index:
            entry["ruleIndex"] = index[finding.code]
        results.append(entry)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {
                    ROOT: {"description": {"text": "The repository root (check's --root)."}}
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)
