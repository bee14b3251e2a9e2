"""`--format text`: findings grouped by family, a summary line, optional statistics."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from splitguard.core.printable import printable
from splitguard.core.wording import counted
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


def print_result(
    result: LintResult, console: Console, *, statistics: bool = False, quiet: bool = False
) -> None:
    """Findings by family, then the summary line. Each finding wraps to the console's
    width under its code; `quiet` (for scripts) leaves out the family headings and the
    summary line and keeps each line whole."""
    from rich.markup import escape

    families = [*FAMILIES, *sorted({f.family for f in result.findings} - set(FAMILIES))]
    for family in families:
        found = [f for f in result.findings if f.family == family]
        if not found:
            continue
        if not quiet:
            console.print(f"[bold]{family}[/] ({len(found)})")
        for finding in found:
            style = STYLES[finding.severity]
            print_wrapped(
                console,
                f"[{style}]{finding.code}[/] [dim]{finding.name}[/] "
                f"[{style}]{finding.severity}[/]: {escape(printable(finding.message))}",
                first=2,
                wrap=not quiet,
            )
            where = _where(finding)
            if where:
                print_wrapped(
                    console, f"[dim]{escape(printable(where))}[/]", first=6, wrap=not quiet
                )
    if statistics:
        print_statistics(result, console)
    if not quiet:
        console.print(summary_line(result))


# Continuation lines of a wrapped finding start under its message, past the code.
HANGING = 6


def print_wrapped(console: Console, markup: str, *, first: int, wrap: bool = True) -> None:
    """`markup` indented by `first`, wrapped to the console's width (`wrap`) with its
    continuation lines indented by `HANGING`."""
    from rich.text import Text

    if not wrap:
        console.print(" " * first + markup, soft_wrap=True)
        return
    text = Text.from_markup(markup)
    for index, line in enumerate(text.wrap(console, max(20, console.width - HANGING))):
        line.rstrip()
        console.print(Text(" " * (first if index == 0 else HANGING)) + line, soft_wrap=True)


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
