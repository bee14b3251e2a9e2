"""Split a label frame: the request, the group assignment, and the rows' new splits.

The algorithm works on groups (`splitguard.split.stratify`); this module turns a frame
and a user's request into its inputs, and its group assignment back into row splits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.core.errors import InfeasibleError, OptionError
from splitguard.core.frame import SPLIT_INDEX, LabelFrame
from splitguard.core.shortfalls import (
    LISTED,
    MinimumSpec,
    cut_listing,
    in_split_order,
    listing,
    train_index,
)
from splitguard.core.wording import counted

__all__ = [
    "SplitRequest",
    "SplitResult",
    "assign",
    "impossible_minimums",
    "in_split_order",
    "shortfall_dicts",
    "split_frame",
]

if TYPE_CHECKING:
    from splitguard.split.engine import GroupTable
    from splitguard.split.stratify import Assignment, Shortfall


DEFAULT_FRACTIONS: Mapping[str, float] = MappingProxyType({"train": 0.8, "val": 0.1, "test": 0.1})


@dataclass(frozen=True, slots=True)
class SplitRequest:
    """What the user asked of a split: named fractions or K folds, minimums, seed, the
    groups to keep where an earlier split put them, and how to check the result.

    ``fractions`` None means 80/10/10 (`DEFAULT_FRACTIONS`) as the user did not name
    them (the checks of an input's own splits then use its own shares);
    ``min_positives`` values are counts or percents of each class ("50%");
    ``min_classes`` aims the minimums (all, rare, or class names); train (the split
    named train, else the first; with folds, each fold's complement) keeps
    ``train_floor`` of every class's positive rows whatever the minimums ask. ``keep``
    is an earlier split (a folder, or {split: path}); ``fail_on``, ``hide_ids`` and
    ``schema`` are the checks' options.
    """

    fractions: Mapping[str, float] | None = None
    folds: int | None = None
    min_positives: Mapping[str, int | str] = field(default_factory=dict)
    min_positive_groups: Mapping[str, int] = field(default_factory=dict)
    min_prevalence: Mapping[str, float] = field(default_factory=dict)
    min_classes: tuple[str, ...] = ("all",)
    rare_threshold: float = 0.01
    train_floor: float = 0.4
    seed: int = 0
    keep: str | Mapping[str, str] | None = None
    fail_on: str = "error"
    hide_ids: bool = False
    schema: str | None = None

    @property
    def named_fractions(self) -> Mapping[str, float]:
        """The fractions asked for, or the default ones."""
        return DEFAULT_FRACTIONS if self.fractions is None else self.fractions

    @property
    def n_splits(self) -> int:
        """How many splits; counted without naming them (a fold count may be huge)."""
        return self.folds if self.folds is not None else len(self.named_fractions)

    @property
    def split_names(self) -> tuple[str, ...]:
        if self.folds is not None:
            return tuple(f"fold-{k + 1}" for k in range(self.folds))
        return tuple(self.named_fractions)

    def has_split(self, name: str) -> bool:
        if self.folds is None:
            return name in self.named_fractions
        number = name.removeprefix("fold-")
        return number.isdigit() and str(int(number)) == number and 1 <= int(number) <= self.folds

    def listing(self) -> str:
        """The split names for a message, short for any number of folds."""
        if self.folds is None or self.folds <= LISTED:
            return listing(self.split_names)
        first = [f"fold-{k}" for k in range(1, LISTED)]
        return cut_listing(first, self.folds - LISTED, f"fold-{self.folds}")

    def check_fits(self, n_groups: int) -> None:
        """Every split needs a group: more splits than groups is an `InfeasibleError`."""
        if n_groups >= self.n_splits:
            return
        if self.folds is not None:
            asked, fewer = f"--folds {self.folds}", f"--folds {n_groups} or fewer"
        else:
            asked = f"--fractions names {self.n_splits} splits ({self.listing()})"
            fewer = f"--fractions with {counted(n_groups, 'split')} or fewer"
        raise InfeasibleError(
            f"{asked}, but the data has {counted(n_groups, 'group')} and every split needs at "
            f"least one: it allows at most {counted(n_groups, 'split')}. Use {fewer}."
        )

    @property
    def shares(self) -> tuple[float, ...]:
        if self.folds is not None:
            return (1.0 / self.folds,) * self.folds
        return tuple(self.named_fractions.values())

    def in_split_order(self, minimums: Mapping[str, Any], option: str) -> list[Any]:
        """A minimum per split, in split order; `*` applies to every split."""
        return in_split_order(self.split_names, minimums, option)

    @property
    def minimums(self) -> MinimumSpec:
        return MinimumSpec(
            positives=self.min_positives,
            positive_groups=self.min_positive_groups,
            prevalence=self.min_prevalence,
            classes=self.min_classes,
            rare_threshold=self.rare_threshold,
            train_floor=self.train_floor,
        )

    @property
    def train_split(self) -> str | None:
        """The split that keeps the train floor; None for folds."""
        index = None if self.folds is not None else train_index(self.split_names)
        return None if index is None else self.split_names[index]

    def as_dict(self) -> dict[str, Any]:
        return {
            "fractions": None if self.folds is not None else dict(self.named_fractions),
            "folds": self.folds,
            **self.minimums.as_dict(),
            "train_split": self.train_split,
            "seed": self.seed,
        }


def shortfall_dicts(
    shortfalls: Sequence[Shortfall], classes: Sequence[str], names: Sequence[str]
) -> tuple[dict[str, Any], ...]:
    """The splitter's shortfalls with class and split names, as report.json holds them."""
    return tuple(
        {
            "class": classes[s.class_index],
            "split": names[s.split_index],
            "kind": s.kind,
            "target": s.target,
            "achieved": s.achieved,
        }
        for s in shortfalls
    )


def impossible_minimums(table: GroupTable, request: SplitRequest) -> tuple[str, ...]:
    """What the request's minimums ask that no split of the table can give (said up front)."""
    from splitguard.core.shortfalls import impossible

    return impossible(table, request.minimums, request.split_names, request.shares)


@dataclass(frozen=True)
class SplitResult:
    """The new splits of a frame, the minimums they miss, and the request."""

    frame: LabelFrame
    request: SplitRequest
    shortfalls: tuple[dict[str, Any], ...]
    kept: dict[str, Any] | None = None


def assign(
    table: GroupTable, request: SplitRequest, *, fixed: np.ndarray | None = None
) -> Assignment:
    """Assign every group of `table` to a split as `request` asks: the one assignment
    every engine runs, on the counts alone.

    `fixed` (G,) holds a split index per group that must stay where it is, -1 for free.
    """
    from splitguard.core.shortfalls import asked
    from splitguard.split.stratify import assign_groups

    request.check_fits(table.n_groups)
    names = request.split_names
    wanted = asked(request.minimums, names, table.classes, table)
    try:
        return assign_groups(
            table.counts,
            table.group_sizes,
            list(request.shares),
            min_positives=wanted.positives,
            # A class absent from a split is an error finding (SG301): where the data
            # allows, every split gets at least one positive group of every class.
            min_positive_groups=np.maximum(wanted.positive_groups, 1),
            min_prevalence=wanted.prevalence,
            train=None if request.folds is not None else train_index(names),
            train_floor=request.train_floor,
            fixed=fixed,
            pairs=table.pairs,
            seed=request.seed,
        )
    except ValueError as exc:
        raise OptionError(f"the split request cannot be made: {exc}") from None


def split_frame(
    frame: LabelFrame,
    request: SplitRequest,
    *,
    fixed: np.ndarray | None = None,
    table: GroupTable | None = None,
) -> SplitResult:
    """Assign every group of `frame` to a split; the frame comes back with its splits.

    `fixed` (G,) holds a split index per group that must stay where it is, -1 for free;
    `table` is the frame's counts where the caller has them already.
    """
    from splitguard.core.shortfalls import unmet
    from splitguard.split.engine import GroupTable

    request.check_fits(frame.n_groups)
    # The counts per group are built sparse, never (G, C) dense.
    assignment = assign(table or GroupTable.of_frame(frame), request, fixed=fixed)
    row_splits = assignment.group_split[frame.groups].astype(SPLIT_INDEX)
    split = dataclasses.replace(frame, splits=row_splits, split_names=request.split_names)
    # Measured on the result as the coverage rule measures it, so report and findings agree.
    shortfalls = tuple(u.as_dict() for u in unmet(split, request.minimums, request.shares))
    return SplitResult(split, request, shortfalls)
