"""Split a label frame: the request, the group assignment, and the rows' new splits.

The algorithm works on groups (`splitguard.split.stratify`); this module turns a frame
and a user's request into its inputs, and its group assignment back into row splits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.errors import InfeasibleError, OptionError
from splitguard.findings import counted
from splitguard.frame import SPLIT_INDEX, LabelFrame
from splitguard.shortfalls import (
    ALL_SPLITS,
    LISTED,
    MinimumSpec,
    cut_listing,
    listing,
    per_split,
    train_index,
    unknown_split,
)

__all__ = [
    "SplitRequest",
    "SplitResult",
    "impossible_minimums",
    "make_request",
    "per_split",
    "shortfall_dicts",
    "split_frame",
]

if TYPE_CHECKING:
    from splitguard.split.stratify import Shortfall


@dataclass(frozen=True, slots=True)
class SplitRequest:
    """What the user asked for: named fractions or K folds, minimums, seed.

    ``min_positives`` values are counts or percents of each class ("50%");
    ``min_classes`` aims the minimums (all, rare, or class names); train (the split
    named train, else the first; with folds, each fold's complement) keeps
    ``train_floor`` of every class's positive rows whatever the minimums ask.
    """

    fractions: Mapping[str, float] = field(
        default_factory=lambda: {"train": 0.8, "val": 0.1, "test": 0.1}
    )
    folds: int | None = None
    min_positives: Mapping[str, int | str] = field(default_factory=dict)
    min_positive_groups: Mapping[str, int] = field(default_factory=dict)
    min_prevalence: Mapping[str, float] = field(default_factory=dict)
    min_classes: tuple[str, ...] = ("all",)
    rare_threshold: float = 0.01
    train_floor: float = 0.4
    seed: int = 0

    @property
    def n_splits(self) -> int:
        """How many splits; counted without naming them (a fold count may be huge)."""
        return self.folds if self.folds is not None else len(self.fractions)

    @property
    def split_names(self) -> tuple[str, ...]:
        if self.folds is not None:
            return tuple(f"fold-{k + 1}" for k in range(self.folds))
        return tuple(self.fractions)

    def has_split(self, name: str) -> bool:
        if self.folds is None:
            return name in self.fractions
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
        return tuple(self.fractions.values())

    def per_split(self, minimums: Mapping[str, Any], option: str) -> list[Any]:
        """A minimum per split, in split order; `*` applies to every split."""
        return per_split(self.split_names, minimums, option)

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
            "fractions": None if self.folds is not None else dict(self.fractions),
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


def make_request(values: Mapping[str, Any]) -> SplitRequest:
    """A request from resolved option values; an inconsistent one is an `OptionError`."""
    folds = values.get("folds")
    fractions = values.get("fractions")
    if folds is not None and fractions:
        raise OptionError("give --fractions or --folds, not both.")
    if folds is not None and folds < 2:
        raise OptionError(f"--folds takes 2 or more, not {folds}.")
    request = SplitRequest(
        fractions=fractions or SplitRequest().fractions,
        folds=folds,
        min_positives=values.get("min-positives") or {},
        min_positive_groups=values.get("min-positive-groups") or {},
        min_prevalence=values.get("min-prevalence") or {},
        min_classes=tuple(values.get("min-classes") or ("all",)),
        rare_threshold=_or_default(values, "imbalance-threshold"),
        train_floor=_or_default(values, "train-floor"),
        seed=values.get("seed") or 0,
    )
    for option in ("min-positives", "min-positive-groups", "min-prevalence"):
        # Checked by name, not against the list of names: a fold count may be huge.
        for name in values.get(option) or {}:
            if name != ALL_SPLITS and not request.has_split(name):
                unknown_split(name, request.listing(), option)
    return request


def _or_default(values: Mapping[str, Any], name: str) -> Any:
    from splitguard.options import OPTIONS

    value = values.get(name)
    return OPTIONS[name].default if value is None else value


def impossible_minimums(frame: LabelFrame, request: SplitRequest) -> tuple[str, ...]:
    """What the request's minimums ask that no split of `frame` can give (said up front)."""
    from splitguard.shortfalls import impossible

    return impossible(frame, request.minimums, request.split_names, request.shares)


@dataclass(frozen=True)
class SplitResult:
    """The new splits of a frame, the minimums they miss, and the request."""

    frame: LabelFrame
    request: SplitRequest
    shortfalls: tuple[dict[str, Any], ...]
    kept: dict[str, Any] | None = None


def split_frame(
    frame: LabelFrame, request: SplitRequest, *, fixed: np.ndarray | None = None
) -> SplitResult:
    """Assign every group of `frame` to a split; the frame comes back with its splits.

    `fixed` (G,) holds a split index per group that must stay where it is, -1 for free.
    """
    from splitguard.shortfalls import asked, unmet
    from splitguard.split.stratify import assign_rows

    request.check_fits(frame.n_groups)
    names = request.split_names
    wanted = asked(request.minimums, names, frame.classes, frame)
    try:
        # From the row labels: the counts per group are built sparse, never (G, C) dense.
        assignment = assign_rows(
            frame.labels,
            frame.groups,
            list(request.shares),
            n_groups=frame.n_groups,
            min_positives=wanted.positives,
            # A class absent from a split is an error finding (SG301): where the data
            # allows, every split gets at least one positive group of every class.
            min_positive_groups=np.maximum(wanted.positive_groups, 1),
            min_prevalence=wanted.prevalence,
            train=None if request.folds is not None else train_index(names),
            train_floor=request.train_floor,
            fixed=fixed,
            seed=request.seed,
        )
    except ValueError as exc:
        raise OptionError(f"the split request cannot be made: {exc}") from None
    row_splits = assignment.group_split[frame.groups].astype(SPLIT_INDEX)
    split = dataclasses.replace(frame, splits=row_splits, split_names=names)
    # Measured on the result as the coverage rule measures it, so report and findings agree.
    shortfalls = tuple(u.as_dict() for u in unmet(split, request.minimums, request.shares))
    return SplitResult(split, request, shortfalls)
