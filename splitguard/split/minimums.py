"""Minimum coverage: targets raised to the minimums, the top-up, and what stays unmet."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitguard.split.state import FloatArray, Groups, GroupState, IntArray


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A minimum that could not be met: too few positives or groups exist in total."""

    class_index: int
    split_index: int
    kind: str  # "min-positives" | "min-positive-groups" | "min-prevalence"
    target: float
    achieved: float


@dataclass(frozen=True, slots=True)
class Requirements:
    """Per split and class minimums, as positive rows and positive groups, (S, C)."""

    rows: FloatArray
    groups: IntArray


# Where the minimums of a class ask for more than the class has, the splits that ask share
# at most this part of it: the rest stays with the other splits (training among them),
# rather than every positive being drained into the evaluation splits.
INFEASIBLE_CLAIM = 0.5


def requirements(
    positives_min: FloatArray, groups_min: FloatArray, counts: npt.NDArray[np.integer]
) -> Requirements:
    """Per-split minimums as (S, C) matrices, capped where a class cannot meet them.

    A class whose minimums ask for more positive rows (or positive groups) than it has
    cannot meet them whatever the assignment; the splits that ask then share
    `INFEASIBLE_CLAIM` of what exists, in proportion to what they ask. Shortfalls are
    still measured against the minimums as asked.
    """
    n_classes = counts.shape[1]
    rows = np.repeat(positives_min[:, None], n_classes, axis=1).astype(np.float64)
    groups = np.repeat(groups_min.astype(np.int64)[:, None], n_classes, axis=1)
    total_rows = counts.sum(axis=0, dtype=np.int64).astype(np.float64)
    total_groups = (counts > 0).sum(axis=0).astype(np.int64)
    return Requirements(
        rows=_capped(rows, total_rows),
        groups=np.floor(_capped(groups.astype(np.float64), total_groups)).astype(np.int64),
    )


def _capped(minimums: FloatArray, totals: npt.NDArray[np.number]) -> FloatArray:
    demand = minimums.sum(axis=0)
    infeasible = demand > totals
    scale = np.divide(INFEASIBLE_CLAIM * totals, demand, out=np.ones_like(demand), where=infeasible)
    return np.floor(minimums * np.where(infeasible, scale, 1.0))


def adjusted_targets(
    totals: FloatArray, shares: FloatArray, minimum_rows: FloatArray
) -> FloatArray:
    """Positive-row targets (S, C): proportional, raised to the minimums (water-filling)."""
    wanted = np.minimum(minimum_rows, totals)
    proportional = shares[:, None]
    targets = proportional * totals
    pinned = np.zeros(targets.shape, dtype=bool)
    for _ in range(shares.size):
        newly_pinned = (targets < wanted) & ~pinned
        if not newly_pinned.any():
            break
        pinned |= newly_pinned
        pinned_total = np.where(pinned, wanted, 0.0).sum(axis=0)
        free_share = np.where(pinned, 0.0, proportional).sum(axis=0)
        rest = np.maximum(totals - pinned_total, 0.0)
        per_share = np.divide(rest, free_share, out=np.zeros_like(rest), where=free_share > 0)
        # When the minimums ask for more than exists, the pinned splits share what exists.
        scale = np.minimum(
            1.0, np.divide(totals, pinned_total, out=np.ones_like(rest), where=pinned_total > 0)
        )
        targets = np.where(pinned, wanted * scale, proportional * per_share)
    return targets


def top_up(
    state: GroupState,
    required: Requirements,
    movable: npt.NDArray[np.bool_],
    rng: np.random.Generator,
    *,
    fewest_groups: bool,
) -> None:
    """Bring every split up to its minimums, rarest class first.

    ``fewest_groups`` takes the carriers with the most positives first (repair: fewest
    moves); otherwise the densest (new split: the receiving split grows least).
    """
    constrained = (required.rows > 0) | (required.groups > 0)
    for c, s in zip(*np.nonzero(constrained.T), strict=True):
        _top_up_cell(state, required, movable, (int(c), int(s)), fewest_groups, rng)


def _top_up_cell(
    state: GroupState,
    required: Requirements,
    movable: npt.NDArray[np.bool_],
    cell: tuple[int, int],
    fewest_groups: bool,
    rng: np.random.Generator,
) -> None:
    c, s = cell
    exhausted: set[int] = set()
    while True:
        row_deficit = required.rows[s, c] - state.positives[s, c]
        group_deficit = required.groups[s, c] - state.positive_groups[s, c]
        if row_deficit <= 0 and group_deficit <= 0:
            return
        slack_rows = np.where(
            required.rows > 0, np.maximum(state.positives - required.rows, 0), np.inf
        )
        slack_groups = np.where(
            required.groups > 0, np.maximum(state.positive_groups - required.groups, 0), np.inf
        )
        carriers = state.carriers_of(c)
        carriers = carriers[movable[carriers] & (state.split[carriers] != s)]
        donor = _best_donor(state.split[carriers], slack_rows[:, c], slack_groups[:, c], exhausted)
        if donor is None:
            return
        pool = _donor_pool(
            state, carriers[state.split[carriers] == donor], c, row_deficit > 0, fewest_groups, rng
        )
        needed = _needed(state.counts[pool, c], row_deficit, group_deficit)
        take = _allowed(state.counts[pool[:needed]], slack_rows[donor], slack_groups[donor])
        state.place(pool[:take], s)
        if take < needed:
            exhausted.add(donor)


def _needed(positives: npt.NDArray[np.int32], row_deficit: float, group_deficit: float) -> int:
    """How many of the ordered carriers close both deficits (all of them if they cannot)."""
    reached = (np.cumsum(positives) >= row_deficit) & (
        np.arange(1, positives.size + 1) >= group_deficit
    )
    return int(np.argmax(reached)) + 1 if reached.any() else int(positives.size)


def _allowed(block: npt.NDArray[np.int32], slack_rows: FloatArray, slack_groups: FloatArray) -> int:
    """How many of the ordered carriers the donor can give before breaking a minimum."""
    breaks = (np.cumsum(block, axis=0) > slack_rows).any(axis=1) | (
        np.cumsum(block > 0, axis=0) > slack_groups
    ).any(axis=1)
    return int(np.argmax(breaks)) if breaks.any() else int(block.shape[0])


def _best_donor(
    where: Groups, slack_rows: FloatArray, slack_groups: FloatArray, exhausted: set[int]
) -> int | None:
    present = np.bincount(where.astype(np.int64), minlength=slack_rows.size) > 0
    usable = present & (slack_rows > 0) & (slack_groups >= 1)
    usable[list(exhausted)] = False
    if not usable.any():
        return None
    return int(np.argmax(np.where(usable, slack_rows, -1.0)))


def _donor_pool(
    state: GroupState,
    pool: IntArray,
    c: int,
    want_rows: bool,
    fewest_groups: bool,
    rng: np.random.Generator,
) -> IntArray:
    """The donor's carriers in the order to take them.

    For positive groups: smallest groups first. For positive rows: the most positives
    first (fewest groups moved, for repair) or the densest first (fewest rows moved,
    so the receiving split grows least, for a new split).
    """
    tie_break = rng.random(pool.size)
    sizes = state.sizes[pool]
    positives = state.counts[pool, c]
    if not want_rows:
        order = np.lexsort((tie_break, sizes))
    elif fewest_groups:
        order = np.lexsort((tie_break, sizes, -positives))
    else:
        order = np.lexsort((tie_break, -positives, -positives / sizes))
    return pool[order]


def shortfalls_of(
    state: GroupState,
    positives_min: FloatArray,
    groups_min: FloatArray,
    prevalence_min: FloatArray,
    order: IntArray,
) -> tuple[Shortfall, ...]:
    """Every minimum the state misses, with classes named by their original column."""
    share = state.positives / np.maximum(state.rows, 1.0)[:, None]
    checks = (
        ("min-positives", state.positives, positives_min),
        ("min-positive-groups", state.positive_groups, groups_min),
        ("min-prevalence", share, prevalence_min),
    )
    found = [
        Shortfall(int(order[c]), int(s), kind, float(minimum[s]), float(achieved[s, c]))
        for kind, achieved, minimum in checks
        for s, c in zip(*np.nonzero(achieved < minimum[:, None]), strict=True)
    ]
    return tuple(sorted(found, key=lambda f: (f.class_index, f.split_index, f.kind)))
