"""What `split`, `fix` and `demo` print when they are done, in words and human units."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from splitguard.core.printable import printable
from splitguard.core.wording import counted, number, percent
from splitguard.lint.findings import SEVERITIES, severity_rank

if TYPE_CHECKING:
    from splitguard.app.runs import Outcome, Progress
    from splitguard.report.model import MovesSummary, Quality, RunReport
    from splitguard.report.output import Written

SHOWN_FINDINGS = 8


# A long class list can miss thousands of minimums: the log names the first few.
SHORTFALLS_SHOWN = 10


def scientific(value: float) -> str:
    """'2.1e-5' for a small balance figure (papers report LD and LPD this way); 0 as '0'."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def quality_lines(quality: Quality) -> list[tuple[str, str]]:
    """The quality figures of report.json in words: '1.3%', '12 rows', not 0.0132 or 1.2e+01.

    (heading, text) pairs: balance of classes, balance of sizes, leakage.
    """
    from splitguard.report.model import DEVIATION_MIN_POSITIVES

    leaked = quality.leaked_groups
    text = counted(leaked, "group") if leaked else "no group"
    return [
        (
            "balance",
            f"worst class deviation {percent(quality.worst_relative_deviation)} "
            f"(classes with {DEVIATION_MIN_POSITIVES}+ positives)",
        ),
        (
            "balance",
            f"label balance LD {scientific(quality.label_distribution)}, label-pair balance LPD "
            f"{scientific(quality.label_pair_distribution)} (0 is perfect)",
        ),
        (
            "sizes",
            f"{counted(round(quality.example_distribution), 'row')} off target per split "
            "on average",
        ),
        ("leakage", f"{text} in more than one split"),
    ]


def amount(kind: str, value: float) -> str:
    """A minimum asked or reached: a prevalence as a percentage, a count as a number."""
    return percent(value, 2) if kind == "min-prevalence" else number(value)


def severity_counts(findings: Sequence[Mapping[str, Any]]) -> str:
    """'3 errors, 1 warning' (worst first), or 'none'."""
    counts = {severity: 0 for severity in SEVERITIES}
    for finding in findings:
        counts[finding["severity"]] += 1
    return ", ".join(counted(n, s) for s, n in counts.items() if n) or "none"


def finding_lines(
    findings: Sequence[Mapping[str, Any]], limit: int | None = SHOWN_FINDINGS
) -> list[str]:
    """Errors and warnings, one line each, the most telling first; then how many are left
    (no limit: all of them).

    Schema findings come first: a wrong label option (SG108, SG109) explains the
    hundreds of coverage findings it causes.
    """
    shown = sorted(
        (f for f in findings if f["severity"] != "info"),
        key=lambda f: (f["family"] != "schema", severity_rank(f["severity"]), f["code"]),
    )
    lines = [f"  {f['code']} {f['severity']}: {f['message']}" for f in shown[:limit]]
    if limit is not None and len(shown) > limit:
        lines.append(f"  ... and {len(shown) - limit:,} more (report.json has them all)")
    return lines


def warn(message: str) -> None:
    """A run's warning, on stderr as it arises."""
    import click

    from splitguard.core.printable import printable

    click.echo(printable(message), err=True)


def run_and_print(out: str, run: Callable[[Progress], Outcome], *, force: bool) -> int:
    """Check `out`, run (with a progress bar on a terminal), write, print; the exit status.

    `out` is checked before any work: a run never computes what it could not write.
    """
    from splitguard.app.runs import prepare_out, write_outcome
    from splitguard.cli.progress import steps

    folder = Path(out)
    prepare_out(folder, force=force, note=warn)
    with steps(5) as advance:
        outcome = run(advance)
        written = write_outcome(outcome, folder, force=force, progress=advance)
    for name, reason in written.failed:
        warn(unwritten_warning(name, reason))
    print_run(outcome.model, folder, written.files)
    return outcome.exit_status


def print_run(report: RunReport, out: Path, written: Sequence[str]) -> None:
    """The coverage table, the split sizes and quality, the findings (and, with
    `--engine spark`, which rules saw a sample), and the files written.

    Under -q, the errors and warnings on the result only: all of them, one line each.
    """
    from splitguard.cli.flags import quiet
    from splitguard.cli.render import console, print_coverage, print_wrapped, safe

    if quiet():
        after = [finding.as_dict() for finding in report.findings_after]
        for line in finding_lines(after, limit=None):
            click.echo(printable(line.strip()))
        return
    print_coverage(report)
    terminal = console()
    total = max(report.input.rows, 1)
    sizes = ", ".join(
        f"{safe(s.name)} {counted(s.rows, 'row')} ({percent(s.rows / total)}) in "
        f"{counted(s.groups, 'group')}"
        for s in report.splits
    )
    terminal.print(f"[bold]splits[/]: {sizes}")
    for heading, text in quality_lines(report.quality):
        terminal.print(f"[bold]{heading}[/]: {text}")
    shown = report.shortfalls[:SHORTFALLS_SHOWN]
    for shortfall in shown:
        terminal.print(
            f"[yellow]shortfall[/]: {safe(shortfall.label)} in {safe(shortfall.split)}: "
            f"{shortfall.kind} {amount(shortfall.kind, shortfall.target)} asked, "
            f"{amount(shortfall.kind, shortfall.achieved)} reached "
            f"({safe(shortfall.reason)})"
        )
    if len(report.shortfalls) > len(shown):
        more = counted(len(report.shortfalls) - len(shown), "more shortfall")
        terminal.print(f"[yellow]shortfall[/]: ... {more}: report.json lists them all")
    if report.repair is not None:
        for line in moves_lines(report.repair.summary):
            terminal.print(line)
    after = [finding.as_dict() for finding in report.findings_after]
    terminal.print(f"[bold]findings on the result[/]: {severity_counts(after)}")
    if report.sampled is not None:
        print_wrapped(terminal, safe(report.sampled.describe()), first=2)
    for line in finding_lines(after):
        print_wrapped(terminal, safe(line.strip()), first=2)
    terminal.print(f"[bold]written to[/] {safe(out)}/: {safe(', '.join(written))}")


def unwritten_warning(path: str, reason: str) -> str:
    return f"splitguard: warning: {path} was not written: the report failed to render ({reason})."


def report_notes(written: Written) -> list[str]:
    """Lines for stderr: a warning for each report file not written, then those written
    (not under -q)."""
    from splitguard.cli.flags import quiet

    lines = [unwritten_warning(str(path), reason) for path, reason in written.failed]
    if written.paths and not quiet():
        lines.append(f"splitguard: wrote {', '.join(str(path) for path in written.paths)}")
    return lines


def moves_lines(moves: MovesSummary) -> list[str]:
    """What `fix` did: its mode, the rows moved against the leak bound, sizes before/after."""
    points = counted(100 * moves.size_tolerance, "point")
    if moves.mode == "fewest-moves":
        mode = "fewest moves, split sizes not kept"
    elif moves.sizes_within_tolerance:
        mode = f"every split within {points} of its share"
    else:
        mode = f"[yellow]a split could not be brought within {points} of its share[/]"
    lines = [
        f"[bold]moved[/]: {counted(moves.groups, 'group')}, {counted(moves.rows, 'row')} "
        f"({mode}; removing the leaks alone moves at least "
        f"{counted(moves.lower_bound_rows, 'row')})"
    ]
    before, after = moves.sizes_before, moves.sizes_after
    if before and after:
        total = max(sum(before.values()), 1)
        lines.append(
            "[bold]split sizes[/]: "
            + ", ".join(
                f"{name} {before[name]:,} -> {after[name]:,} rows "
                f"({percent(before[name] / total)} -> {percent(after[name] / total)})"
                for name in before
            )
        )
    return lines
