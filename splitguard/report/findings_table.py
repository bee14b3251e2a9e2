"""Sections on the linter's findings (before and after) and on the groups `fix` moved."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from splitguard.lint.findings import SEVERITIES, Finding
from splitguard.report.document import Facts, Section, Table, Text
from splitguard.report.fmt import count
from splitguard.report.model import Repair, SampledRules

FINDINGS_SHOWN = 200
MOVES_SHOWN = 200


def severity_counts(findings: Sequence[Finding]) -> str:
    """'2 error, 1 warning' style summary; 'none' when empty."""
    counts: Counter[str] = Counter(finding.severity for finding in findings)
    order = [*SEVERITIES, *sorted(set(counts) - set(SEVERITIES))]
    parts = [f"{counts[s]} {s}" for s in order if counts[s]]
    return ", ".join(parts) if parts else "none"


def findings_table(findings: Sequence[Finding], caption: str = "") -> Table:
    shown = findings[:FINDINGS_SHOWN]
    rows = []
    for finding in shown:
        where = finding.location
        rows.append(
            (
                finding.severity,
                finding.code,
                finding.name,
                where.split or "",
                where.label or "",
                finding.message,
                count(where.n_rows),
            )
        )
    return Table(
        columns=("severity", "code", "rule", "split", "class", "message", "rows"),
        numeric=(False, False, False, False, False, False, True),
        rows=tuple(rows),
        status=tuple("bad" if row[0] == "error" else "" for row in rows),
        caption=caption,
        omitted=len(findings) - len(shown),
    )


def compare_table(before: Sequence[Finding], after: Sequence[Finding]) -> Table:
    """Findings per rule, before and after."""
    names: dict[str, tuple[str, str]] = {}
    for finding in [*before, *after]:
        names.setdefault(finding.code, (finding.name, finding.severity))
    counts_before = Counter(finding.code for finding in before)
    counts_after = Counter(finding.code for finding in after)
    codes = sorted(names)
    return Table(
        columns=("code", "rule", "severity", "before", "after"),
        numeric=(False, False, False, True, True),
        rows=tuple(
            (code, *names[code], count(counts_before[code]), count(counts_after[code]))
            for code in codes
        ),
        status=tuple("bad" if counts_after[code] else "" for code in codes),
        caption="Findings per rule",
    )


def before_after_section(
    before: Sequence[Finding],
    after: Sequence[Finding],
    *,
    sampled: SampledRules | None = None,
) -> Section:
    facts = Facts(
        (("Before", severity_counts(before)), ("After", severity_counts(after))),
        status=("", "ok" if not after else "bad"),
    )
    blocks: list[Any] = [facts]
    if sampled is not None:
        blocks.append(Text(sampled.describe()))
    if before or after:
        blocks.append(compare_table(before, after))
    if after:
        blocks.append(findings_table(after, "Findings after"))
    return Section("findings", "Findings before and after", tuple(blocks))


def check_findings_section(findings: Sequence[Finding]) -> Section:
    facts = Facts(
        (("Findings", severity_counts(findings)),), status=("ok" if not findings else "bad",)
    )
    if not findings:
        return Section("findings", "Findings", (facts, Text("No rule found anything.")))
    return Section("findings", "Findings", (facts, findings_table(findings)))


def moves_section(repair: Repair) -> Section:
    summary = repair.summary
    facts = Facts(
        (
            ("Groups moved", count(summary.groups)),
            ("Rows moved", count(summary.rows)),
            ("Fewest rows any repair must move", count(summary.lower_bound_rows)),
        )
    )
    moves = repair.moves
    shown = moves[:MOVES_SHOWN]
    table = Table(
        columns=("group", "was in", "now in", "rows"),
        numeric=(False, False, False, True),
        rows=tuple(
            (
                move.group,
                ", ".join(move.from_splits),
                move.to,
                count(move.rows),
            )
            for move in shown
        ),
        caption="Moved groups",
        omitted=len(moves) - len(shown),
    )
    text = Text("fix moves only leaked groups and what rare classes need; nothing else moves.")
    return Section("moves", "Moved groups", (text, facts, table))
