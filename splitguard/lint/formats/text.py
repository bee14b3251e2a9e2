"""`--format text`: findings grouped by family, a summary line, optional statistics."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from splitguard.core.printable import printable
from splitguard.lint.findings import counted
from splitguard.rules.base import FAMILIES

if TYPE_CHECKING:
    from rich.console import Console

    from splitguard.lint.engine import LintResult
    from splitguard.lint.findings import Finding

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _where(finding: Finding) -> str:
    where = finding.location
    parts = [
        f"{key} {value}"
        for key, value in (
            ("split", where.split),
            ("class", where.label),
            ("column", where.column),
            ("file", where.file),
        )
        if value
    ]
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


def print_result(result: LintResult, console: Console, *, statistics: bool = False) -> None:
    from rich.markup import escape

    families = [*FAMILIES, *sorted({f.family for f in result.findings} - set(FAMILIES))]
    for family in families:
        found = [f for f in result.findings if f.family == family]
        if not found:
            continue
        console.print(f"[bold]{family}[/] ({len(found)})")
        for finding in found:
            style = STYLES[finding.severity]
            console.print(
                f"  [{style}]{finding.code}[/] [dim]{finding.name}[/] "
                f"[{style}]{finding.severity}[/]: {escape(printable(finding.message))}",
                soft_wrap=True,
            )
            where = _where(finding)
            if where:
                console.print(f"      [dim]{escape(printable(where))}[/]", soft_wrap=True)
    if statistics:
        print_statistics(result, console)
    console.print(summary_line(result))


def print_statistics(result: LintResult, console: Console) -> None:
    counts = Counter((f.code, f.name, f.severity) for f in result.findings)
    for (code, name, severity), count in sorted(counts.items()):
        console.print(f"{count:>6}  {code}  {name} [dim]({severity})[/]")


def summary_line(result: LintResult) -> str:
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
    verdict = (
        f"[bold red]failed[/]: {summary['failing']} at or above {summary['fail_on']}"
        if summary["failing"]
        else "[bold green]passed[/]"
    )
    return f"{counted(len(result.rules), 'rule')}, {counts}{extra}: {verdict}."
