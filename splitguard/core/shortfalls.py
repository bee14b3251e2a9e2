"""The minimums a user asked for, per class and split, and the ones a split misses, with why.

`split` builds with them, the coverage rule SG306 reports them, and the report counts them,
all through this module, so the three always agree. The semantics, as the user reads them:

- `--min-positives test=25` asks for 25 positive rows of a class in test; `test=50%` for
  half of the class's positive rows; `--min-positive-groups` counts groups (patients);
  `--min-prevalence test=0.02` asks that the class be 2% of test's rows.
- `--min-classes all|rare|A,B` picks the classes they apply to (`rare`: rarer than
  `--imbalance-threshold`, as SG401 says).
- Train (the split named `train`, else the first) keeps at least `--train-floor` (40%)
  of every class's positive rows whatever the others ask; with folds, each fold's
  complement (its training set) does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from splitguard.core.errors import OptionError, closest
from splitguard.core.wording import counted

if TYPE_CHECKING:
    from splitguard.core.counts import Counts
    from splitguard.core.frame import LabelFrame

ALL_SPLITS = "*"
# Split names an error message lists before it says "and N more".
LISTED = 6
KINDS = ("min-positives", "min-positive-groups", "min-prevalence")


@dataclass(frozen=True, slots=True)
class MinimumSpec:
    """The minimums asked for, keyed by split name (`*` for every split).

    ``positives`` values are counts or percents of the class ("50%").
    """

    positives: Mapping[str, int | str]
    positive_groups: Mapping[str, int]
    prevalence: Mapping[str, float]
    classes: tuple[str, ...] = ("all",)
    rare_threshold: float = 0.01
    train_floor: float = 0.4

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> MinimumSpec:
        """The spec of resolved option values (missing keys take the defaults)."""
        from splitguard.core.options import OPTIONS

        def get(name: str) -> Any:
            value = values.get(name)
            return OPTIONS[name].default if value is None else value

        return cls(
            positives=dict(get("min-positives")),
            positive_groups=dict(get("min-positive-groups")),
            prevalence=dict(get("min-prevalence")),
            classes=tuple(get("min-classes")) or ("all",),
            rare_threshold=float(get("imbalance-threshold")),
            train_floor=float(get("train-floor")),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "min_positives": dict(self.positives),
            "min_positive_groups": dict(self.positive_groups),
            "min_prevalence": dict(self.prevalence),
            "min_classes": list(self.classes),
            "train_floor": self.train_floor,
        }


def in_split_order(names: Sequence[str], minimums: Mapping[str, Any], option: str) -> list[Any]:
    """`minimums` ({split: value}, `*` for every split) as one value per split of `names`."""
    for name in minimums:
        if name != ALL_SPLITS and name not in names:
            unknown_split(name, listing(names), option)
    default = minimums.get(ALL_SPLITS, 0)
    return [minimums.get(name, default) for name in names]


def unknown_split(name: str, listed: str, option: str) -> None:
    raise OptionError(
        f"--{option} names split {name!r}, which is not among the splits "
        f"({listed}). Use one of those names, or * for all."
    )


def listing(names: Sequence[str]) -> str:
    """The first and last names, and how many are left out: short for any count."""
    if len(names) <= LISTED:
        return ", ".join(names)
    return cut_listing(names[: LISTED - 1], len(names) - LISTED, names[-1])


def cut_listing(first: Sequence[str], more: int, last: str) -> str:
    return f"{', '.join(first)}, ... ({more:,} more), {last}"


def train_index(names: Sequence[str]) -> int | None:
    """The training split: the one named `train`, else the first; None for folds."""
    if "train" in names:
        return list(names).index("train")
    if all(name.startswith("fold-") for name in names):
        return None
    return 0


def targeted(spec: MinimumSpec, classes: Sequence[str], prevalence: np.ndarray) -> np.ndarray:
    """(C,) bool: the classes `--min-classes` aims the minimums at."""
    mask = np.zeros(len(classes), dtype=bool)
    for entry in spec.classes:
        if entry == "all":
            mask[:] = True
        elif entry == "rare":
            mask |= prevalence < spec.rare_threshold
        elif entry in classes:
            mask[list(classes).index(entry)] = True
        else:
            raise OptionError(
                f"--min-classes names {entry!r}, which is not a class{closest(entry, classes)}. "
                "Use all, rare, or class names from the table."
            )
    return mask


@dataclass(frozen=True, slots=True)
class Asked:
    """Per split and class (S, C), what the minimums ask; 0 where nothing is asked."""

    positives: np.ndarray  # positive rows (counts and percents resolved)
    positive_groups: np.ndarray
    prevalence: np.ndarray  # share of the split's rows
    percent: np.ndarray  # (S,) the percent asked of each class's positives, 0 where a count

    @property
    def any(self) -> bool:
        return bool(self.positives.any() or self.positive_groups.any() or self.prevalence.any())


class Totals(Protocol):
    """Positive rows per class and the row count of a table (a `LabelFrame`, or the
    counts an engine made of it): what resolving the minimums needs."""

    @property
    def positives(self) -> np.ndarray: ...

    @property
    def n_rows(self) -> int: ...


class Tallied(Totals, Protocol):
    """A table's per-class totals as the minimums' feasibility needs them, from counts:
    its classes, positive groups per class, and ``labels_per_row[k]`` rows of k labels."""

    @property
    def classes(self) -> tuple[str, ...]: ...

    @property
    def positive_groups(self) -> np.ndarray: ...

    @property
    def labels_per_row(self) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class SplitTotals:
    """What the minimums are measured on: per class (C,), and per split and class (S, C).

    Built from a frame's rows (`of_frame`) or from group counts and an assignment
    (`splitguard.split.engine.GroupTable.split_totals`), so the two engines report alike.
    """

    classes: tuple[str, ...]
    split_names: tuple[str, ...]
    positives: np.ndarray
    positive_groups: np.ndarray
    rows_by_split: np.ndarray
    positives_by_split: np.ndarray
    positive_groups_by_split: np.ndarray

    @classmethod
    def of_frame(cls, frame: LabelFrame) -> SplitTotals:
        from splitguard.core.aggregate import Aggregates

        aggregates = Aggregates.of(frame)
        return cls(
            classes=tuple(frame.classes),
            split_names=frame.split_names,
            positives=frame.positives,
            positive_groups=frame.positive_groups,
            rows_by_split=aggregates.rows_by_split,
            positives_by_split=aggregates.positives_by_split,
            positive_groups_by_split=aggregates.positive_groups_by_split,
        )

    @property
    def n_rows(self) -> int:
        return int(self.rows_by_split.sum())


def asked(spec: MinimumSpec, names: Sequence[str], classes: Sequence[str], frame: Totals) -> Asked:
    """The spec resolved against a table: a percent becomes rows of each class."""
    totals = frame.positives.astype(np.float64)
    mask = targeted(spec, classes, totals / max(1, frame.n_rows))
    counts = in_split_order(names, spec.positives, "min-positives")
    percent = np.array([_percent(v) for v in counts])
    rows = np.array([0.0 if _percent(v) else float(v) for v in counts])
    positives = np.maximum(rows[:, None], np.ceil(percent[:, None] * totals[None, :] - 1e-9))
    groups = np.array(
        in_split_order(names, spec.positive_groups, "min-positive-groups"), dtype=float
    )
    shares = np.array(in_split_order(names, spec.prevalence, "min-prevalence"), dtype=float)
    return Asked(
        positives=positives * mask,
        positive_groups=groups[:, None] * mask,
        prevalence=shares[:, None] * mask,
        percent=percent,
    )


def _percent(value: int | str) -> float:
    return float(str(value)[:-1]) / 100 if str(value).endswith("%") else 0.0


@dataclass(frozen=True, slots=True)
class Unmet:
    """One minimum a split misses: what was asked, what was reached, and why."""

    label: str
    split: str
    kind: str
    asked: float
    reached: float
    asked_text: str
    reached_text: str
    reason: str

    @property
    def message(self) -> str:
        return (
            f"{self.label} in {self.split}: {self.kind} {self.asked_text} asked, "
            f"{self.reached_text} reached: {self.reason}."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "class": self.label,
            "split": self.split,
            "kind": self.kind,
            "target": self.asked,
            "achieved": self.reached,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Limits:
    """What the data allows a split of one class: its totals and the train floor."""

    positives: int
    groups: int
    kept: int  # positive rows train keeps (0 for train itself)
    floor: float
    split_rows: int
    fraction: float

    @property
    def most(self) -> int:
        return self.positives - self.kept


def limits(
    totals: SplitTotals | Counts, spec: MinimumSpec, split: int, label: int, **sizes: Any
) -> Limits:
    train = train_index(totals.split_names)
    total = int(totals.positives[label])
    kept = 0 if split == train else math.ceil(spec.train_floor * total - 1e-9)
    groups = int(totals.positive_groups[label])
    return Limits(total, groups, kept, spec.train_floor, sizes["rows"], sizes["fraction"])


def why(kind: str, wanted: float, reached: float, split: str, limit: Limits) -> str:
    """Why `split` reached `reached` of `wanted` positive rows (or groups)."""
    unit = "positive group" if kind == "min-positive-groups" else "positive row"
    have = limit.groups if kind == "min-positive-groups" else limit.positives
    data = (
        f"the data has {counted(limit.positives, 'positive row')} in "
        f"{counted(limit.groups, 'group')}"
    )
    if wanted > have:
        return f"{data}: fewer {unit}s than asked"
    floor = (
        f"; train keeps at least {limit.kept:,} of them (train floor {limit.floor:.0%}), so "
        f"{split} can hold at most {limit.most:,}"
    )
    if limit.kept and kind != "min-positive-groups" and wanted > limit.most:
        return data + floor
    room = (
        f"the train floor ({limit.floor:.0%}) leaves {split} up to "
        f"{counted(limit.most, 'positive row')}"
        if limit.kept
        else f"{split} could hold all {counted(have, unit)}"
    )
    return (
        f"{data} and {room}: the groups {split} holds ({counted(limit.split_rows, 'row')}, "
        f"for a fraction of {limit.fraction:.0%}) carry {counted(round(reached), unit)}"
    )


def unmet(
    frame: LabelFrame, spec: MinimumSpec, fractions: Sequence[float] | np.ndarray
) -> tuple[Unmet, ...]:
    """Every asked minimum the frame's splits miss, with why; empty without splits."""
    if frame.splits is None:
        return ()
    if not asked(spec, frame.split_names, frame.classes, frame).any:
        return ()
    return unmet_in(SplitTotals.of_frame(frame), spec, fractions)


def unmet_in(
    totals: SplitTotals | Counts, spec: MinimumSpec, fractions: Sequence[float] | np.ndarray
) -> tuple[Unmet, ...]:
    """Every asked minimum the splits measured in `totals` miss, with why."""
    names = totals.split_names
    wanted = asked(spec, names, totals.classes, totals)
    if not wanted.any:
        return ()
    rows = totals.rows_by_split
    positives = totals.positives_by_split
    prevalence = positives / np.maximum(rows, 1)[:, None]
    found = []
    checks = (
        ("min-positives", positives, wanted.positives),
        ("min-positive-groups", totals.positive_groups_by_split, wanted.positive_groups),
        ("min-prevalence", prevalence, wanted.prevalence),
    )
    for kind, reached, minimum in checks:
        for s, c in zip(*np.nonzero(reached < minimum - 1e-12), strict=True):
            split, label = names[s], totals.classes[c]
            limit = limits(totals, spec, s, c, rows=int(rows[s]), fraction=float(fractions[s]))
            count = float(reached[s, c])
            if kind == "min-prevalence":
                need = math.ceil(minimum[s, c] * rows[s] - 1e-9)
                asked_text = f"{minimum[s, c]:.1%} ({need:,} of {int(rows[s]):,} rows)"
                reached_text = f"{count:.2%} ({int(positives[s, c]):,})"
                reason = why(kind, need, positives[s, c], split, limit)
            else:
                asked_text = f"{minimum[s, c]:,.0f}"
                if kind == "min-positives" and wanted.percent[s]:
                    asked_text = f"{wanted.percent[s]:.0%} of {limit.positives:,} = {asked_text}"
                reached_text = f"{count:,.0f}"
                reason = why(kind, minimum[s, c], count, split, limit)
            found.append(
                Unmet(
                    label,
                    split,
                    kind,
                    float(minimum[s, c]),
                    count,
                    asked_text,
                    reached_text,
                    reason,
                )
            )
    return tuple(sorted(found, key=lambda u: (u.label, u.split, KINDS.index(u.kind))))


def impossible(
    table: Tallied, spec: MinimumSpec, names: Sequence[str], fractions: Sequence[float]
) -> tuple[str, ...]:
    """What the minimums ask that no split of this table can give, said before splitting.

    A class asked for more positive rows (or groups) than it has, or than the train floor
    leaves the other splits; a split asked for more positive labels than its rows can
    carry (however the rows are chosen).
    """
    wanted = asked(spec, names, table.classes, table)
    if not wanted.any:
        return ()
    train = train_index(names)
    row_targets = np.asarray(fractions) * table.n_rows
    rows = np.maximum(wanted.positives, np.ceil(wanted.prevalence * row_targets[:, None] - 1e-9))
    totals = table.positives.astype(np.int64)
    kept = np.ceil(spec.train_floor * totals - 1e-9).astype(np.int64)
    groups = table.positive_groups
    problems = []
    others = [s for s in range(len(names)) if s != train]
    for c, label in enumerate(table.classes):
        claim = rows[others, c].sum() if train is not None else rows[:, c].max()
        if claim > totals[c] - kept[c] and claim > 0:
            where = ", ".join(f"{names[s]} {rows[s, c]:,.0f}" for s in others if rows[s, c])
            problems.append(
                f"{label}: the minimums ask for {counted(round(claim), 'positive row')} "
                f"({where}), but the "
                f"data has {totals[c]:,} and train keeps at least {kept[c]:,} "
                f"(train floor {spec.train_floor:.0%}), so at most {totals[c] - kept[c]:,}"
            )
        group_claim = wanted.positive_groups[others, c].sum()
        if group_claim > groups[c]:
            problems.append(
                f"{label}: the minimums ask for {counted(round(group_claim), 'positive group')}, "
                "but the "
                f"data has {groups[c]:,}"
            )
    histogram = np.asarray(table.labels_per_row, dtype=np.int64)
    for s, name in enumerate(names):
        demand = rows[s].sum()
        size = min(int(row_targets[s]), table.n_rows)
        capacity = most_labels(histogram, size)
        if demand > capacity:
            mean = float(histogram @ np.arange(histogram.size)) / max(1, table.n_rows)
            problems.append(
                f"{name}: the minimums ask for {counted(round(demand), 'positive label')} in "
                f"its {counted(size, 'row')}, but rows carry {mean:.2f} labels on average and its "
                f"{size:,} most-labelled rows {capacity:,}"
            )
    return tuple(problems)


def most_labels(labels_per_row: np.ndarray, rows: int) -> int:
    """The labels the `rows` most-labelled rows carry (``labels_per_row[k]``: rows of k)."""
    counts = labels_per_row[::-1]
    per_row = np.arange(labels_per_row.size)[::-1]
    taken = np.minimum(counts, np.maximum(rows - (np.cumsum(counts) - counts), 0))
    return int(taken @ per_row)
