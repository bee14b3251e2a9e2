"""`--format text`: findings grouped by family, a summary line, optional statistics.

The lines are styled by role (`Span`), not coloured: the command line colours them
for a terminal, and `render` gives them as plain text.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from splitguard.core.printable import printable
from splitguard.core.wording import counted
from splitguard.lint.formats import Format, Line, Span, View, plain
from splitguard.rules.base import FAMILIES

if TYPE_CHECKING:
    from splitguard.lint.engine import LintResult
    from splitguard.lint.findings import Finding


def _where(finding: Finding) -> str:
    where = finding.location
    parts = [f"{key} {value}" for key, value in where.places()]
    if finding.classes:
        parts.append(
            f"{counted(len(finding.classes), 'class', 'classes')}: --format json lists all"
        )
    if where.row_ids:
        more = f" of {where.n_rows:,}" if where.n_rows > len(where.row_ids) else ""
        parts.append(
            f"rows {', '.join(where.row_ids[:3])}{', ...' if len(where.row_ids) > 3 else ''}{more}"
        )
    if where.groups:
        more = f" of {where.n_groups:,}" if where.n_groups > len(where.groups) else ""
        parts.append(
            f"groups {', '.join(where.groups[:3])}{', ...' if len(where.groups) > 3 else ''}{more}"
        )
    return "; ".join(parts)


# Continuation lines of a wrapped finding start under its message, past the code.
HANGING = 6


class Text(Format):
    name = "text"
    help = "findings grouped by family, for people"
    for_people = True

    def render(self, result: LintResult, view: View) -> str:
        return plain(self.styled(result, view))

    def styled(self, result: LintResult, view: View) -> list[Line]:
        result = view.shown(result)
        lines: list[Line] = []
        families = [*FAMILIES, *sorted({f.family for f in result.findings} - set(FAMILIES))]
        for family in families:
            found = [f for f in result.findings if f.family == family]
            if not found:
                continue
            if not view.quiet:
                lines.append(Line((Span(printable(family), "bold"), Span(f" ({len(found)})"))))
            for finding in found:
                style = finding.severity
                head = (
                    Span("  "),
                    Span(finding.code, style),
                    Span(" "),
                    Span(finding.name, "dim"),
                    Span(" "),
                    Span(finding.severity, style),
                    Span(f": {printable(finding.message)}"),
                )
                # Wrapped under the message for people; whole lines for scripts (-q).
                lines.append(Line(head, wrap=not view.quiet, hang=HANGING))
                where = _where(finding)
                if where:
                    spans = (Span(" " * HANGING), Span(printable(where), "dim"))
                    lines.append(Line(spans, wrap=not view.quiet, hang=HANGING))
        if view.statistics:
            lines.extend(statistics_lines(result))
        if not view.quiet:
            lines.extend(sample_lines(result))
            lines.append(summary_line(result))
        return lines


def sample_lines(result: LintResult) -> list[Line]:
    """Which rules saw only a sample of the rows, and how large it was (an engine's check)."""
    rules = result.sampled_rules
    if result.sample is None or not rules:
        return []
    codes = ", ".join(rule.code for rule in rules)
    text = f"{codes} ran on {result.sample.describe()}; the other rules on every row."
    return [Line((Span(text),))]


def statistics_lines(result: LintResult) -> list[Line]:
    """One line per rule that found something: the count, code, name and severity."""
    counts = Counter((f.code, f.name, f.severity) for f in result.findings)
    return [
        Line((Span(f"{count:>6}  {code}  {name} "), Span(f"({severity})", "dim")))
        for (code, name, severity), count in sorted(counts.items())
    ]


def summary_line(result: LintResult) -> Line:
    summary = result.summary()
    counts = ", ".join(
        counted(summary[key], noun)
        for key, noun in (("errors", "error"), ("warnings", "warning"), ("infos", "info"))
    )
    extra = ""
    if summary["accepted"]:
        extra += f", {summary['accepted']} accepted by the baseline"
    if summary["ignored"]:
        extra += f", {summary['ignored']} ignored by the config"
    head = Span(f"{counted(len(result.rules), 'rule')}, {counts}{extra}: ")
    if summary["failing"]:
        verdict = (
            Span("failed", "failed"),
            Span(f": {summary['failing']} at or above {summary['fail_on']}."),
        )
    else:
        verdict = (Span("passed", "passed"), Span("."))
    return Line((head, *verdict))
