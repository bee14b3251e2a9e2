"""A finding: one violation kind at one place, as a frozen value.

Findings never hold ids in their message: ids live in `Location` only, so `--hide-ids`
can mask them in every output format by masking one field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any, Literal, get_args

# Rules word their messages with these (a plugin's too): one plural and percent rule.
from splitguard.core.wording import counted as counted
from splitguard.core.wording import percent as percent

Severity = Literal["error", "warning", "info"]
# The one definition of the severities, worst first: everything else reads these two.
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
SAMPLE_SIZE = 10
HIDDEN = "<hidden>"


def severity_rank(severity: str) -> int:
    """0 for error, 1 for warning, 2 for info: lower is worse."""
    return SEVERITIES.index(severity)


def severity(value: Any, where: str) -> Severity:
    """`value` as a severity, or an `OptionError` naming `where` (an option or a config key)."""
    for known in SEVERITIES:
        if value == known:
            return known
    from splitguard.core.errors import OptionError

    raise OptionError(f"{where} {value!r} is not allowed; use one of {', '.join(SEVERITIES)}.")


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: any of split, class, group, column, file, and the rows involved.

    `row_ids` and `groups` are samples (at most `SAMPLE_SIZE`); `n_rows` and `n_groups`
    are the totals they are drawn from. The first offending row of `file` is `line`
    in a CSV file (its physical line: the header is line 1, a cell holding a newline
    spans two) and `row` in a Parquet file or folder (1 = its first row of data).
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
    line: int | None = None
    row: int | None = None

    def places(self) -> list[tuple[str, Any]]:
        """The set fields among split, class, column, file, line and row, in that order."""
        named = (
            ("split", self.split),
            ("class", self.label),
            ("column", self.column),
            ("file", self.file),
            ("line", self.line),
            ("row", self.row),
        )
        return [(key, value) for key, value in named if value not in (None, "")]

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

    def shown(self, root: PurePath | None = None) -> Finding:
        """The same finding with its file named relative to `root` (`core.paths.shown_path`)."""
        if not self.location.file:
            return self
        from splitguard.core.paths import shown_path

        return replace(
            self, location=replace(self.location, file=shown_path(self.location.file, root))
        )

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
                "line": where.line,
                "row": where.row,
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
