"""`--format github`: one workflow command per finding, shown as a PR annotation.

GitHub reads `::error file=F,title=T::message`; as actions/toolkit's `escapeData` and
`escapeProperty` do, messages escape `%`, CR and LF, and property values also `:` and
`,`. Control characters in names are made `printable` first (`x\n::error` prints as
the text `x\n::error` on one line), so a name never starts a workflow command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitguard.core.printable import printable

if TYPE_CHECKING:
    from splitguard.lint.engine import LintResult
    from splitguard.lint.findings import Finding

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def line(finding: Finding) -> str:
    where = finding.location
    properties = [f"title={_property(f'{finding.code} {finding.name}')}"]
    if where.file:
        properties.insert(0, f"file={_property(where.file)}")
    place = ", ".join(
        f"{key} {value}" for key, value in (("split", where.split), ("class", where.label)) if value
    )
    suffix = f" ({place})" if place else ""
    return (
        f"::{COMMANDS[finding.severity]} {','.join(properties)}::{_data(finding.message + suffix)}"
    )


def render(result: LintResult) -> str:
    return "\n".join(line(finding) for finding in result.findings)
