"""The report of a `split` or `fix` run: the typed value written as report.json.

`RunReport` holds per split its rows, groups and group sizes; per class and split the
positives, positive groups, target and minimum; the quality figures; the minimums not
met; the findings before and after; and what `--keep` kept or `fix` moved.
`to_dict()` gives report.json's exact shape (key order included) and `from_dict()`
reads it back. The builders at the end measure a frame into these values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from splitguard.core.class_stats import ClassStats, TableStats, table_stats
from splitguard.core.frame import LabelFrame
from splitguard.core.shortfalls import MinimumSpec
from splitguard.lint.findings import ClassCount, Finding, Location
from splitguard.lint.sampled import Sample

REPORT_VERSION = 1
# (label, smallest, largest) rows per group; None = no upper end.
SIZE_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1),
    ("2", 2, 2),
    ("3-5", 3, 5),
    ("6-10", 6, 10),
    ("11-20", 11, 20),
    ("21-50", 21, 50),
    ("51+", 51, None),
)
# Classes with fewer positives are too small for a relative deviation to mean much.
DEVIATION_MIN_POSITIVES = 100


@dataclass(frozen=True, slots=True)
class RowsPerGroup:
    """The smallest, median and largest number of rows of a group."""

    smallest: int
    median: float
    largest: int

    def to_dict(self) -> dict[str, Any]:
        return {"min": self.smallest, "median": self.median, "max": self.largest}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RowsPerGroup:
        return cls(data["min"], data["median"], data["max"])


@dataclass(frozen=True, slots=True)
class SplitEntry:
    """One split: its rows and groups against the share of the rows it was asked for."""

    name: str
    rows: int
    target_rows: float
    fraction: float
    groups: int
    rows_per_group: RowsPerGroup
    group_size_histogram: Mapping[str, int]  # groups per `SIZE_BINS` label

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "target_rows": self.target_rows,
            "fraction": self.fraction,
            "groups": self.groups,
            "rows_per_group": self.rows_per_group.to_dict(),
            "group_size_histogram": dict(self.group_size_histogram),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SplitEntry:
        return cls(
            data["name"],
            data["rows"],
            data["target_rows"],
            data["fraction"],
            data["groups"],
            RowsPerGroup.from_dict(data["rows_per_group"]),
            dict(data["group_size_histogram"]),
        )


@dataclass(frozen=True, slots=True)
class CoverageEntry:
    """One class in one split: positive rows and groups, against target and minimum."""

    label: str
    split: str
    positives: int
    positive_groups: int
    target: float
    minimum: int
    minimum_groups: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.label,
            "split": self.split,
            "positives": self.positives,
            "positive_groups": self.positive_groups,
            "target": self.target,
            "minimum": self.minimum,
            "minimum_groups": self.minimum_groups,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoverageEntry:
        return cls(
            data["class"],
            data["split"],
            data["positives"],
            data["positive_groups"],
            data["target"],
            data["minimum"],
            data["minimum_groups"],
        )


@dataclass(frozen=True, slots=True)
class Quality:
    """How well the splits are stratified (lower is better) and how many groups leak."""

    label_distribution: float
    label_pair_distribution: float
    example_distribution: float
    worst_relative_deviation: float
    leaked_groups: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "LD": self.label_distribution,
            "LPD": self.label_pair_distribution,
            "ED": self.example_distribution,
            "worst_relative_deviation": self.worst_relative_deviation,
            "leaked_groups": self.leaked_groups,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Quality:
        return cls(
            data["LD"], data["LPD"], data["ED"], data["worst_relative_deviation"],
            data["leaked_groups"],
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A minimum asked of a class in a split that the result does not meet, and why."""

    label: str
    split: str
    kind: str
    target: float
    achieved: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.label,
            "split": self.split,
            "kind": self.kind,
            "target": self.target,
            "achieved": self.achieved,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Shortfall:
        return cls(
            data["class"], data["split"], data["kind"], data["target"], data["achieved"],
            data["reason"],
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class TrainFloor:
    """The share of each class's positive rows train must keep, and the lowest it keeps."""

    train_split: str
    train_floor: float
    lowest_class: str
    lowest_share: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "train_split": self.train_split,
            "train_floor": self.train_floor,
            "lowest_class": self.lowest_class,
            "lowest_share": self.lowest_share,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainFloor:
        return cls(
            data["train_split"], data["train_floor"], data["lowest_class"], data["lowest_share"]
        )


@dataclass(frozen=True, slots=True)
class AskedMinimums:
    """The minimums of the request, per split name (`*` for every split)."""

    positives: Mapping[str, int | str]  # a count, or a percent of the class ("50%")
    positive_groups: Mapping[str, int]
    prevalence: Mapping[str, float]
    classes: tuple[str, ...]
    train_floor: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_positives": dict(self.positives),
            "min_positive_groups": dict(self.positive_groups),
            "min_prevalence": dict(self.prevalence),
            "min_classes": list(self.classes),
            "train_floor": self.train_floor,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AskedMinimums:
        return cls(
            dict(data["min_positives"]),
            dict(data["min_positive_groups"]),
            dict(data["min_prevalence"]),
            tuple(data["min_classes"]),
            data["train_floor"],
        )


@dataclass(frozen=True, slots=True)
class SplitAsked:
    """What `split` was asked: fractions or folds, minimums, seed, the split it kept."""

    fractions: Mapping[str, float] | None  # None with folds
    folds: int | None
    minimums: AskedMinimums
    train_split: str | None  # None with folds: each fold's complement keeps the floor
    seed: int
    keep: str | Mapping[str, str] | None  # a folder, or a path per split

    def to_dict(self) -> dict[str, Any]:
        return {
            "fractions": None if self.fractions is None else dict(self.fractions),
            "folds": self.folds,
            **self.minimums.to_dict(),
            "train_split": self.train_split,
            "seed": self.seed,
            "keep": self.keep
            if self.keep is None or isinstance(self.keep, str)
            else dict(self.keep),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SplitAsked:
        keep = data["keep"]
        return cls(
            None if data["fractions"] is None else dict(data["fractions"]),
            data["folds"],
            AskedMinimums.from_dict(data),
            data["train_split"],
            data["seed"],
            keep if keep is None or isinstance(keep, str) else dict(keep),
        )


@dataclass(frozen=True, slots=True)
class FixAsked:
    """What `fix` was asked: the shares to keep, minimums, seed, and the fewest-moves mode."""

    fractions: Mapping[str, float]
    minimums: AskedMinimums
    fewest_moves: bool
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "fractions": dict(self.fractions),
            **self.minimums.to_dict(),
            "fewest_moves": self.fewest_moves,
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FixAsked:
        return cls(
            dict(data["fractions"]),
            AskedMinimums.from_dict(data),
            data["fewest_moves"],
            data["seed"],
        )


@dataclass(frozen=True, slots=True)
class InputSummary:
    """The table split: its rows, groups and classes."""

    rows: int
    groups: int
    classes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "groups": self.groups, "classes": list(self.classes)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InputSummary:
        return cls(data["rows"], data["groups"], tuple(data["classes"]))


@dataclass(frozen=True, slots=True)
class Kept:
    """What `split --keep` kept: groups left in place and new groups placed per split."""

    kept_groups: int
    new_groups: Mapping[str, int]
    conflicts: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kept_groups": self.kept_groups,
            "new_groups": dict(self.new_groups),
            "conflicts": self.conflicts,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Kept:
        return cls(data["kept_groups"], dict(data["new_groups"]), data["conflicts"])


@dataclass(frozen=True, slots=True)
class Move:
    """One group `fix` moved: from the splits it was in to the one it is in now."""

    group: str
    from_splits: tuple[str, ...]
    to: str
    rows: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "from": list(self.from_splits),
            "to": self.to,
            "rows": self.rows,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Move:
        return cls(data["group"], tuple(data["from"]), data["to"], data["rows"])


@dataclass(frozen=True, slots=True)
class MovesSummary:
    """What `fix` moved in all, against the fewest rows any repair of the leaks moves."""

    mode: str  # "balanced" or "fewest-moves"
    groups: int
    rows: int
    lower_bound_rows: int
    size_tolerance: float
    sizes_before: Mapping[str, int]
    sizes_after: Mapping[str, int]
    sizes_within_tolerance: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "groups": self.groups,
            "rows": self.rows,
            "lower_bound_rows": self.lower_bound_rows,
            "size_tolerance": self.size_tolerance,
            "sizes_before": dict(self.sizes_before),
            "sizes_after": dict(self.sizes_after),
            "sizes_within_tolerance": self.sizes_within_tolerance,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MovesSummary:
        return cls(
            data["mode"],
            data["groups"],
            data["rows"],
            data["lower_bound_rows"],
            data["size_tolerance"],
            dict(data["sizes_before"]),
            dict(data["sizes_after"]),
            data["sizes_within_tolerance"],
        )


@dataclass(frozen=True, slots=True)
class Repair:
    """What `fix` did: every moved group, and the totals."""

    moves: tuple[Move, ...]
    summary: MovesSummary


@dataclass(frozen=True, slots=True)
class SampledRules:
    """With an engine that keeps the rows (`--engine spark`), the rules that read rows
    (`rules`) ran on `sample`, a sample of whole groups; the others on counts of every row."""

    rules: tuple[str, ...]
    sample: Sample

    def describe(self) -> str:
        """'SG101, SG102 ran on a sample of 100,000 of 112,120 rows (...); the other
        rules on the counts of every row.'"""
        return (
            f"{', '.join(self.rules)} (the rules that read rows) ran on "
            f"{self.sample.describe()}; the other rules on the counts of every row."
        )

    def to_dict(self) -> dict[str, Any]:
        return self.sample.as_dict(list(self.rules))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SampledRules:
        sample = Sample(
            data["rows"], data["groups"], data["of_rows"], data["of_groups"], data["seed"]
        )
        return cls(tuple(data["rules"]), sample)


@dataclass(frozen=True, slots=True)
class RunReport:
    """The report of a `split` (`SplitAsked`) or `fix` (`FixAsked`) run.

    `kept` is set only by `split --keep`; `repair` always by `fix` and never by `split`.
    """

    request: SplitAsked | FixAsked
    input: InputSummary
    stats: TableStats
    splits: tuple[SplitEntry, ...]
    coverage: tuple[CoverageEntry, ...]
    quality: Quality
    shortfalls: tuple[Shortfall, ...]
    train_floor: TrainFloor | None
    findings_before: tuple[Finding, ...]
    findings_after: tuple[Finding, ...]
    kept: Kept | None = None
    repair: Repair | None = None
    # Set by an engine that keeps the rows (`--engine spark`): the rules that read rows
    # saw a sample of the result's rows.
    sampled: SampledRules | None = None

    def __post_init__(self) -> None:
        fix = isinstance(self.request, FixAsked)
        if fix != (self.repair is not None) or (fix and self.kept is not None):
            raise ValueError(
                f"a {self.command} report holds "
                + ("moves and no kept groups" if fix else "no moves")
            )

    @property
    def command(self) -> str:
        return "fix" if isinstance(self.request, FixAsked) else "split"

    def to_dict(self) -> dict[str, Any]:
        """report.json: `json.dumps(report.to_dict(), indent=2)` gives its bytes."""
        data: dict[str, Any] = {
            "version": REPORT_VERSION,
            "command": self.command,
            "request": self.request.to_dict(),
            "input": self.input.to_dict(),
            "stats": self.stats.as_dict(),
            "splits": [split.to_dict() for split in self.splits],
            "coverage": [entry.to_dict() for entry in self.coverage],
            "quality": self.quality.to_dict(),
            "shortfalls": [shortfall.to_dict() for shortfall in self.shortfalls],
            "train_floor": None if self.train_floor is None else self.train_floor.to_dict(),
            "findings_before": [finding.as_dict() for finding in self.findings_before],
            "findings_after": [finding.as_dict() for finding in self.findings_after],
        }
        if self.repair is None:
            data["keep"] = None if self.kept is None else self.kept.to_dict()
        else:
            data["moves"] = [move.to_dict() for move in self.repair.moves]
            data["moves_summary"] = self.repair.summary.to_dict()
        if self.sampled is not None:
            data["sample"] = self.sampled.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunReport:
        """The report of a report.json `to_dict()` wrote; another version is a ValueError."""
        if data.get("version") != REPORT_VERSION:
            raise ValueError(
                f"report version {data.get('version')!r}: this splitguard reads version "
                f"{REPORT_VERSION}; write the report again with this version."
            )
        fix = data["command"] == "fix"
        floor = data["train_floor"]
        return cls(
            request=(FixAsked if fix else SplitAsked).from_dict(data["request"]),
            input=InputSummary.from_dict(data["input"]),
            stats=stats_from_dict(data["stats"]),
            splits=tuple(SplitEntry.from_dict(split) for split in data["splits"]),
            coverage=tuple(CoverageEntry.from_dict(entry) for entry in data["coverage"]),
            quality=Quality.from_dict(data["quality"]),
            shortfalls=tuple(Shortfall.from_dict(item) for item in data["shortfalls"]),
            train_floor=None if floor is None else TrainFloor.from_dict(floor),
            findings_before=tuple(finding_from_dict(f) for f in data["findings_before"]),
            findings_after=tuple(finding_from_dict(f) for f in data["findings_after"]),
            kept=None if fix or data["keep"] is None else Kept.from_dict(data["keep"]),
            repair=(
                Repair(
                    tuple(Move.from_dict(move) for move in data["moves"]),
                    MovesSummary.from_dict(data["moves_summary"]),
                )
                if fix
                else None
            ),
            sampled=None if "sample" not in data else SampledRules.from_dict(data["sample"]),
        )


def stats_from_dict(data: Mapping[str, Any]) -> TableStats:
    """The `TableStats` whose `as_dict()` is `data`."""
    per_group = data["rows_per_group"]
    return TableStats(
        rows=data["rows"],
        groups=data["groups"],
        rows_per_group=(per_group["min"], per_group["median"], per_group["max"]),
        labels=tuple(ClassStats(**label) for label in data["labels"]),
    )


def finding_from_dict(data: Mapping[str, Any]) -> Finding:
    """The `Finding` whose `as_dict()` is `data`."""
    # Every location field is read by name, so a field added to `Location` reads back too.
    where = data["location"]
    values: dict[str, Any] = {
        field.name: tuple(where[field.name])
        if isinstance(where[field.name], list)
        else where[field.name]
        for field in fields(Location)
        if field.name in where
    }
    location = Location(**values)
    classes = tuple(ClassCount(**entry) for entry in data.get("classes", ()))
    return Finding(
        data["code"],
        data["name"],
        data["family"],
        data["severity"],
        data["message"],
        location,
        classes=classes,
    )


def split_report(
    frame: LabelFrame,
    *,
    command: str,
    request: Mapping[str, Any] | SplitAsked | FixAsked,
    shares: Sequence[float],
    minimums: MinimumSpec | Mapping[str, Sequence[int]],
    shortfalls: Sequence[Mapping[str, Any] | Shortfall] = (),
    findings_before: Sequence[Mapping[str, Any] | Finding] = (),
    findings_after: Sequence[Mapping[str, Any] | Finding] = (),
    extra: Mapping[str, Any] | None = None,
) -> RunReport:
    """The report of a frame whose `splits` are the result.

    `request`, `shortfalls` and the findings may be given as their report.json dicts;
    `extra` holds the command's own part: ``keep`` (`split`: a `Kept` or its dict, or
    None) or ``moves`` and ``moves_summary`` (`fix`).
    """
    from splitguard.report.measure import (
        coverage_entries,
        quality,
        split_entries,
        train_floor_entry,
    )

    assert frame.splits is not None
    if command not in ("split", "fix"):
        raise ValueError(f"a report is of a split or fix run, not of {command!r}")
    asked: type[SplitAsked | FixAsked] = FixAsked if command == "fix" else SplitAsked
    if isinstance(request, Mapping):
        request = asked.from_dict(request)
    parts = dict(extra or {})
    kept, moves, summary = (
        parts.pop("keep", None),
        parts.pop("moves", ()),
        parts.pop("moves_summary", None),
    )
    if parts:
        raise ValueError(f"a {command} report has no part named {', '.join(map(repr, parts))}")
    return RunReport(
        request=request,
        input=InputSummary(frame.n_rows, frame.n_groups, tuple(frame.classes)),
        stats=table_stats(frame),
        splits=split_entries(frame, shares),
        coverage=coverage_entries(frame, shares, minimums),
        quality=quality(frame, np.asarray(shares, dtype=np.float64)),
        shortfalls=tuple(
            item if isinstance(item, Shortfall) else Shortfall.from_dict(item)
            for item in shortfalls
        ),
        train_floor=(
            train_floor_entry(frame, minimums) if isinstance(minimums, MinimumSpec) else None
        ),
        findings_before=_findings(findings_before),
        findings_after=_findings(findings_after),
        kept=kept if kept is None or isinstance(kept, Kept) else Kept.from_dict(kept),
        repair=(
            Repair(
                tuple(move if isinstance(move, Move) else Move.from_dict(move) for move in moves),
                summary if isinstance(summary, MovesSummary) else MovesSummary.from_dict(summary),
            )
            if command == "fix"
            else None
        ),
    )


def _findings(findings: Sequence[Mapping[str, Any] | Finding]) -> tuple[Finding, ...]:
    return tuple(f if isinstance(f, Finding) else finding_from_dict(f) for f in findings)
