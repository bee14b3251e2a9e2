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
from splitguard.frame import LabelFrame

if TYPE_CHECKING:
    from splitguard.split.stratify import Shortfall

ALL_SPLITS = "*"


@dataclass(frozen=True, slots=True)
class SplitRequest:
    """What the user asked for: named fractions or K folds, minimums, seed."""

    fractions: Mapping[str, float] = field(
        default_factory=lambda: {"train": 0.8, "val": 0.1, "test": 0.1}
    )
    folds: int | None = None
    min_positives: Mapping[str, int] = field(default_factory=dict)
    min_positive_groups: Mapping[str, int] = field(default_factory=dict)
    min_prevalence: Mapping[str, float] = field(default_factory=dict)
    seed: int = 0

    @property
    def split_names(self) -> tuple[str, ...]:
        if self.folds is not None:
            return tuple(f"fold-{k + 1}" for k in range(self.folds))
        return tuple(self.fractions)

    @property
    def shares(self) -> tuple[float, ...]:
        if self.folds is not None:
            return (1.0 / self.folds,) * self.folds
        return tuple(self.fractions.values())

    def per_split(self, minimums: Mapping[str, Any], option: str) -> list[Any]:
        """A minimum per split, in split order; `*` applies to every split."""
        return per_split(self.split_names, minimums, option)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fractions": None if self.folds is not None else dict(self.fractions),
            "folds": self.folds,
            "min_positives": dict(self.min_positives),
            "min_positive_groups": dict(self.min_positive_groups),
            "min_prevalence": dict(self.min_prevalence),
            "seed": self.seed,
        }


def per_split(names: Sequence[str], minimums: Mapping[str, Any], option: str) -> list[Any]:
    """`minimums` ({split: value}, `*` for every split) as one value per split of `names`."""
    for name in minimums:
        if name != ALL_SPLITS and name not in names:
            raise OptionError(
                f"--{option} names split {name!r}, which is not among the splits "
                f"({', '.join(names)}). Use one of those names, or * for all."
            )
    default = minimums.get(ALL_SPLITS, 0)
    return [minimums.get(name, default) for name in names]


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
        seed=values.get("seed") or 0,
    )
    request.per_split(request.min_positives, "min-positives")
    request.per_split(request.min_positive_groups, "min-positive-groups")
    request.per_split(request.min_prevalence, "min-prevalence")
    return request


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
    from splitguard.split.pairs import label_pairs
    from splitguard.split.stratify import assign_groups

    names = request.split_names
    if frame.n_groups < len(names):
        raise InfeasibleError(
            f"{frame.n_groups} groups cannot fill {len(names)} splits "
            f"({', '.join(names)}); every split needs at least one group."
        )
    asked_groups = request.per_split(request.min_positive_groups, "min-positive-groups")
    try:
        assignment = assign_groups(
            frame.group_label_counts,
            frame.group_sizes,
            list(request.shares),
            min_positives=request.per_split(request.min_positives, "min-positives"),
            # A class absent from a split is an error finding (SG301): where the data
            # allows, every split gets at least one positive group of every class.
            min_positive_groups=[max(1, n) for n in asked_groups],
            min_prevalence=request.per_split(request.min_prevalence, "min-prevalence"),
            fixed=fixed,
            pairs=label_pairs(frame.labels, frame.groups, frame.n_groups),
            seed=request.seed,
        )
    except ValueError as exc:
        raise OptionError(f"the split request cannot be made: {exc}") from None
    # Shortfalls of that implicit floor are not the user's; SG301 reports a class absent.
    asked = [
        s
        for s in assignment.shortfalls
        if s.kind != "min-positive-groups" or asked_groups[s.split_index] > 0
    ]
    shortfalls = shortfall_dicts(asked, frame.classes, names)
    row_splits = assignment.group_split[frame.groups].astype(np.int8)
    split = dataclasses.replace(frame, splits=row_splits, split_names=names)
    return SplitResult(split, request, shortfalls)
