"""`--format sarif`: SARIF 2.1.0, the rules in the driver, one result per finding.

A finding's place is logical, not a line of code: the file where there is one, and a
logical location `split/class/column`; the full location rides in `properties`, and
an aggregated finding's list of classes in `properties.classes`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from splitguard.lint.engine import LintResult
    from splitguard.lint.findings import Finding

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _location(finding: Finding) -> dict[str, Any]:
    where = finding.location
    location: dict[str, Any] = {}
    if where.file:
        location["physicalLocation"] = {"artifactLocation": {"uri": where.file.replace("\\", "/")}}
    parts = [part for part in (where.split, where.label, where.column) if part]
    location["logicalLocations"] = [
        {"fullyQualifiedName": "/".join(parts) or "table", "kind": "object"}
    ]
    return location


def render(result: LintResult) -> str:
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
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)
