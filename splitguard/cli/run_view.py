"""What `split`, `fix` and `demo` print when they are done."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def print_run(report: dict[str, Any], out: Path) -> None:
    from splitguard.cli.render import console, print_coverage, safe

    print_coverage(report)
    terminal = console()
    quality = report.get("quality", {})
    sizes = ", ".join(
        f"{safe(s['name'])} {s['rows']:,} rows "
        f"({s['rows'] / max(report['input']['rows'], 1):.2%}), "
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
            f"[yellow]shortfall[/]: {safe(shortfall['class'])} in {safe(shortfall['split'])}: "
            f"{shortfall['kind']} {shortfall['target']:g} asked, {shortfall['achieved']:g} reached "
            "(the data has no more)"
        )
    moves = report.get("moves_summary")
    if moves:
        terminal.print(
            f"[bold]moved[/]: {moves['groups']:,} groups, {moves['rows']:,} rows "
            f"(lower bound {moves['lower_bound_rows']:,} rows)"
        )
    after = report.get("findings_after", [])
    by_severity: dict[str, int] = {}
    for finding in after:
        by_severity[finding["severity"]] = by_severity.get(finding["severity"], 0) + 1
    found = ", ".join(f"{n} {s}" for s, n in sorted(by_severity.items())) or "none"
    terminal.print(f"[bold]findings on the result[/]: {found}")
    terminal.print(f"[bold]written to[/] {safe(out)}/ (report.html, report.json, manifest.json)")
