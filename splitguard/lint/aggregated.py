"""Findings that scale: a rule firing on many classes of one split reads as one finding.

On a table of thousands of classes, the per-class rules (a rare class, a class absent
from a split, too few positives, a share that drifts, a minimum not met) fire on the
long tail by the hundred. Past `TAIL_LIMIT` findings of one rule in one split (or in
the table, for a rule not about splits), the engine replaces them with one finding
that names the worst few classes in its message and lists every class, with its
count and its own message, in `Finding.classes` (the `classes` key of the json
finding and of the sarif result's properties).

`TAIL_LIMIT` is 20: a table of up to 20 classes (NIH's 14, CheXpert's 14) keeps one
finding per class, as a class-by-class list still fits a screen; beyond it a list
reads worse than a count and the worst few.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from splitguard.lint.findings import ClassCount, Finding, Location, counted

if TYPE_CHECKING:
    from splitguard.rules.base import Rule

TAIL_LIMIT = 20
SHOWN = 4
NAME_WIDTH = 24


def aggregate(findings: Sequence[Finding], rules: Mapping[str, type[Rule]]) -> list[Finding]:
    """`findings` with each group of more than `TAIL_LIMIT` per-class findings of one
    rule, split and column replaced by one aggregated finding; the rest unchanged."""
    kept: list[Finding] = []
    groups: dict[tuple[str, str | None, str | None], list[Finding]] = {}
    for finding in findings:
        where = finding.location
        if where.label is None:
            kept.append(finding)
        else:
            groups.setdefault((finding.code, where.split, where.column), []).append(finding)
    for (code, _, _), members in groups.items():
        if len(members) <= TAIL_LIMIT:
            kept.extend(members)
        else:
            kept.append(_aggregated(members, rules.get(code)))
    return kept


def _aggregated(members: Sequence[Finding], rule: type[Rule] | None) -> Finding:
    first = members[0]
    entries = sorted(
        (_tally(finding) for finding in members), key=lambda e: (-e.worse, e.count, e.label)
    )
    split = first.location.split
    phrase = rule.class_list if rule is not None and rule.class_list else _DEFAULT_PHRASE
    head = phrase.format(
        classes=counted(len(entries), "class", "classes"),
        split=split,
        name=first.name,
        where=f" in {split}" if split else "",
    )
    # Counts all zero (a class with no positive row) say nothing: the names alone then.
    counts = any(e.count for e in entries)
    shown = ", ".join(
        f"{_short(e.label)} ({e.count:,})" if counts else _short(e.label) for e in entries[:SHOWN]
    )
    rest = len(entries) - SHOWN
    files = {finding.location.file for finding in members}
    location = Location(
        split=split, column=first.location.column, file=files.pop() if len(files) == 1 else None
    )
    return Finding(
        first.code,
        first.name,
        first.family,
        first.severity,
        f"{head}: {shown}{f' and {rest:,} more' if rest > 0 else ''}.",
        location,
        classes=tuple(entries),
    )


# For a plugin rule that declares no `class_list` phrase.
_DEFAULT_PHRASE = "{name} on {classes}{where} (count: rows)"


def _tally(finding: Finding) -> ClassCount:
    """The finding's class entry: the rule's tally, else its class and its rows."""
    if finding.tally is not None:
        return finding.tally
    label = finding.location.label or ""
    return ClassCount(label, finding.location.n_rows, finding.message)


def _short(label: str) -> str:
    """A class name cut to `NAME_WIDTH` characters, so a long name keeps the line short."""
    return label if len(label) <= NAME_WIDTH else label[: NAME_WIDTH - 3] + "..."
