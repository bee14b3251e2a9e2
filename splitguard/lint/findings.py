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
class Finding:
    """One rule violation: which rule, how bad, what it means, and where."""

    code: str
    name: str
    family: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)

    @property
    def fingerprint(self) -> str:
        """Stable identity across runs (counts and samples may change; the place does not)."""
        where = self.location
        parts = (self.code, where.split, where.label, where.column)
        return "|".join("" if part is None else part for part in parts)

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
        }


def sample(values: Any, limit: int = SAMPLE_SIZE) -> tuple[str, ...]:
    """Up to `limit` values as strings, in their given order (None reads as '<null>')."""
    out: list[str] = []
    for value in values:
        if len(out) == limit:
            break
        out.append("<null>" if value is None else str(value))
    return tuple(out)
