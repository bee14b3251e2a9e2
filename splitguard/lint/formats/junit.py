"""`--format junit`: one testcase per rule run; each finding is a failure of its rule.

XML 1.0 has no way to write most control characters, not even as `&#1;`: names
from the data are made `printable` so the report stays well-formed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from splitguard.core.printable import printable
from splitguard.lint.formats import Format, View

if TYPE_CHECKING:
    from splitguard.lint.engine import LintResult


class Junit(Format):
    name = "junit"
    help = "JUnit XML, one test case per rule"

    def render(self, result: LintResult, view: View) -> str:
        return _render(view.shown(result))


def _render(result: LintResult) -> str:
    by_code: dict[str, list[str]] = {}
    for finding in result.findings:
        where = finding.location
        place = ", ".join(f"{key}={value}" for key, value in where.places())
        by_code.setdefault(finding.code, []).append(
            printable(f"[{finding.severity}] {finding.message}" + (f" ({place})" if place else ""))
        )
    suite = ET.Element(
        "testsuite",
        name="splitguard",
        tests=str(len(result.rules)),
        failures=str(sum(1 for rule in result.rules if rule.code in by_code)),
        errors="0",
    )
    for rule in result.rules:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"splitguard.{rule.family}",
            name=f"{rule.code} {rule.name}",
        )
        messages = by_code.get(rule.code)
        if messages:
            failure = ET.SubElement(
                case, "failure", message=f"{len(messages)} findings", type=rule.code
            )
            failure.text = "\n".join(messages)
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode")
