"""`--format github`: one workflow command per finding, shown as a PR annotation.

GitHub reads `::error file=F,title=T::message`; as actions/toolkit's `escapeData` and
`escapeProperty` do, messages escape `%`, CR and LF, and property values also `:` and
`,`. Control characters in names are made `printable` first (`x\n::error` prints as
the text `x\n::error` on one line), so a name never starts a workflow command.

`file` is relative to the repository root, as GitHub needs it to attach the annotation
to the file in a pull request; `line` is the first offending row's line in a CSV file
(a Parquet file has no lines: its row number joins the message).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitguard.core.printable import printable
from splitguard.lint.formats import Format, View

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
        lines = [f"line={where.line}"] if where.line is not None else []
        properties[:0] = [f"file={_property(where.file)}", *lines]
    place = ", ".join(
        f"{key} {value}"
        for key, value in (("split", where.split), ("class", where.label), ("row", where.row))
        if value not in (None, "")
    )
    suffix = f" ({place})" if place else ""
    return (
        f"::{COMMANDS[finding.severity]} {','.join(properties)}::{_data(finding.message + suffix)}"
    )


class Github(Format):
    name = "github"
    help = "GitHub Actions annotations on a pull request"

    def render(self, result: LintResult, view: View) -> str:
        return "\n".join(line(finding) for finding in view.shown(result).findings)
