"""A finding: one violation kind at one place, as a frozen value.

Findings never hold ids in their message: ids live in `Location` only, so `--hide-ids`
can mask them in every output format by masking one field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SAMPLE_SIZE = 10
HIDDEN = "<hidden>"


def severity_rank(severity: str) -> int:
    """0 for error, 1 for warning, 2 for info: lower is worse."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: any of split, class, group, column, file, and the rows involved.

    `row_ids` and `groups` are samples (at most `SAMPLE_SIZE`); `n_rows` and `n_groups`
    are the totals they are drawn from.
    """

    split: str | None = None
    label: str | None = None
    group: str | None = None
    column: str | None = None
    file: str | None = None
    row_ids: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    n_rows: int = 0
    n_groups: int = 0

    def masked(self) -> Location:
        """The same place with every patient and row id replaced by a mask."""
        return replace(
            self,
            group=None if self.group is None else HIDDEN,
            row_ids=tuple(HIDDEN for _ in self.row_ids),
            groups=tuple(HIDDEN for _ in self.groups),
        )


@dataclass(frozen=True, slots=True)
class ClassCount:
    """One class of a rule's per-class findings: its name, the count the rule judged
    (positives, positive groups, rows: the rule's `class_list` says which), the
    finding's own message, and how bad it is (`worse`: higher lists first)."""

    label: str
    count: int
    message: str
    worse: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "count": self.count, "message": self.message}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule violation: which rule, how bad, what it means, and where.

    A per-class finding carries its `tally` (the class and its count), from which the
    engine builds an aggregated finding when a rule fires on many classes of one split;
    the aggregated finding has no class of its own and lists them all in `classes`.
    """

    code: str
    name: str
    family: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    tally: ClassCount | None = None
    classes: tuple[ClassCount, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Stable identity across runs (counts and samples may change; the place does not).

        An aggregated finding's place is its rule and split, with `*` for the class: the
        same whatever classes it lists and in whatever order.
        """
        where = self.location
        label = "*" if self.classes else where.label
        parts = (self.code, where.split, label, where.column)
        return "|".join("" if part is None else part for part in parts)

    def class_fingerprints(self) -> tuple[str, ...]:
        """The fingerprints of the per-class findings this finding stands for: its own,
        or, aggregated, one per class listed (what a baseline records)."""
        if not self.classes:
            return (self.fingerprint,)
        where = self.location
        return tuple(
            "|".join(
                "" if part is None else part
                for part in (self.code, where.split, entry.label, where.column)
            )
            for entry in self.classes
        )

    def masked(self) -> Finding:
        return replace(self, location=self.location.masked())

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of a finding (version 1 of the output schema)."""
        where = self.location
        return {
            "code": self.code,
            "name": self.name,
            "family": self.family,
            "severity": self.severity,
            "message": self.message,
            "location": {
                "split": where.split,
                "label": where.label,
                "group": where.group,
                "column": where.column,
                "file": where.file,
                "row_ids": list(where.row_ids),
                "groups": list(where.groups),
                "n_rows": where.n_rows,
                "n_groups": where.n_groups,
            },
            # Only an aggregated finding has the key, so per-class outputs read as before.
            **({"classes": [entry.as_dict() for entry in self.classes]} if self.classes else {}),
        }


def sample(values: Any, limit: int = SAMPLE_SIZE) -> tuple[str, ...]:
    """Up to `limit` values as strings, in their given order (None reads as '<null>')."""
    out: list[str] = []
    for value in values:
        if len(out) == limit:
            break
        out.append("<null>" if value is None else str(value))
    return tuple(out)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """'1 row', '2 rows', '8,103 groups': a count and its noun, agreeing."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def percent(share: float, digits: int = 1) -> str:
    """A share (0..1) as a percentage a reader can compare: '1.3%', '53.8%', '0.00089%'.

    `digits` decimals, except that a share too small for them keeps two significant
    digits rather than reading as 0.0%.
    """
    import math

    value = share * 100
    if value == 0 or abs(value) >= 10**-digits:
        return f"{value:.{digits}f}%"
    decimals = 1 - math.floor(math.log10(abs(value)))
    return f"{value:.{decimals}f}%"
