"""What `split`, `fix` and `demo` print when they are done."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def print_run(report: dict[str, Any], out: Path) -> None:
    from splitguard.cli.render import console, print_coverage

    print_coverage(report)
    terminal = console()
    quality = report.get("quality", {})
    sizes = ", ".join(
        f"{s['name']} {s['rows']:,} rows ({s['rows'] / max(report['input']['rows'], 1):.2%}), "
        f"{s['groups']:,} groups"
        for s in report["splits"]
    )
    terminal.print(f"[bold]splits[/]: {sizes}")
    if quality:
        terminal.print(
            "[bold]quality[/]: "
            + ", ".join(
                f"{k} {v:.2g}" if isinstance(v, float) else f"{k} {v}" for k, v in quality.items()
            )
        )
    for shortfall in report.get("shortfalls", []):
        terminal.print(
            f"[yellow]shortfall[/]: {shortfall['class']} in {shortfall['split']}: "
            f"{shortfall['kind']} {shortfall['target']:g} asked, {shortfall['achieved']:g} reached "
            "(the data has no more)"
        )
    moves = report.get("moves_summary")
    if moves:
        for line in moves_lines(moves):
            terminal.print(line)
    after = report.get("findings_after", [])
    by_severity: dict[str, int] = {}
    for finding in after:
        by_severity[finding["severity"]] = by_severity.get(finding["severity"], 0) + 1
    found = ", ".join(f"{n} {s}" for s, n in sorted(by_severity.items())) or "none"
    terminal.print(f"[bold]findings on the result[/]: {found}")
    terminal.print(f"[bold]written to[/] {out}/ (report.html, report.json, manifest.json)")


def moves_lines(moves: dict[str, Any]) -> list[str]:
    """What `fix` did: its mode, the rows moved against the leak bound, sizes before/after."""
    points = f"{100 * moves.get('size_tolerance', 0.01):g} point"
    if moves.get("mode") == "fewest-moves":
        mode = "fewest moves, split sizes not kept"
    elif moves.get("sizes_within_tolerance", True):
        mode = f"every split within {points} of its share"
    else:
        mode = f"[yellow]a split could not be brought within {points} of its share[/]"
    lines = [
        f"[bold]moved[/]: {moves['groups']:,} groups, {moves['rows']:,} rows ({mode}; "
        f"removing the leaks alone moves at least {moves['lower_bound_rows']:,} rows)"
    ]
    before, after = moves.get("sizes_before"), moves.get("sizes_after")
    if before and after:
        total = max(sum(before.values()), 1)
        lines.append(
            "[bold]split sizes[/]: "
            + ", ".join(
                f"{name} {before[name]:,} -> {after[name]:,} rows "
                f"({before[name] / total:.1%} -> {after[name] / total:.1%})"
                for name in before
            )
        )
    return lines
