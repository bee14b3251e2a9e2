"""Repair existing splits with few moves (the ``fix`` command's algorithm).

1. **Leaks.** A group with rows in more than one split goes whole to the split that
   already holds most of its rows, so it moves ``rows - largest share`` rows: the least
   possible, which makes the total over leaked groups exactly the lower bound. Where
   several splits hold the same largest share, the group goes where it best keeps the
   row and class targets (the objective of `splitguard.split.refine`).
2. **Sizes** (unless ``fewest_moves``). Sending every leaked group to its majority split
   feeds the largest split: on a random 80/10/10 row split of NIH, val and test fall
   under 4% of the rows. Groups then move, fewest extra rows first, until every split is
   within a point of its share, the movers chosen to keep class shares
   (`splitguard.split.resize`); then at most 5% more rows move where that brings
   classes back to their shares (`splitguard.split.reshare`).
3. **Minimums.** For every class (rarest first) and split below its minimum positive rows
   or positive groups, carriers of the class move in from the donor split with the most
   slack, the groups with the most positives first (fewest groups), never taking a donor
   below its own minimum. Where that pushes a split out of its window, groups that carry
   no class with a minimum in their split bring it back (step 2 again).

Cost: O(G*S + G*C) time for steps 1 and 3, vectorised; step 2 is O(K*S^2) per planned
transfer over the K distinct rows-per-split vectors, plus a few rounds of O(G*C).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.split.minimums import (
    Requirements,
    Shortfall,
    adjusted_targets,
    per_class,
    requirements,
    shortfalls_of,
    top_up,
)
from splitguard.split.refine import Objective, objective, placement_costs
from splitguard.split.reshare import reshare
from splitguard.split.resize import resize, size_windows
from splitguard.split.state import GroupState, IntArray, canonical_class_order
from splitguard.split.validate import (
    checked_minimum,
    validate_counts,
    validate_fractions,
    validate_train,
)


@dataclass(frozen=True, slots=True)
class Move:
    """One group moved whole: the splits its rows left, where they went, how many rows."""

    group: int
    from_splits: tuple[int, ...]
    to_split: int
    rows_moved: int


@dataclass(frozen=True, slots=True)
class RepairResult:
    """The repaired split of every group, the moves that made it, and unmet minimums."""

    group_split: npt.NDArray[np.int32]
    moves: tuple[Move, ...]
    shortfalls: tuple[Shortfall, ...]

    @property
    def rows_moved(self) -> int:
        return sum(move.rows_moved for move in self.moves)


def leak_lower_bound(group_row_counts_by_split: npt.ArrayLike) -> int:
    """Fewest rows any leak-free repair must move: all but each group's largest share."""
    rows = np.asarray(group_row_counts_by_split, dtype=np.int64)
    return int((rows.sum(axis=1) - rows.max(axis=1, initial=0)).sum())


def repair(
    group_row_counts_by_split: npt.ArrayLike,
    group_label_counts: Any,
    fractions: Sequence[float],
    *,
    min_positives: npt.ArrayLike | None = None,
    min_positive_groups: npt.ArrayLike | None = None,
    train: int | None = None,
    train_floor: float = 0.5,
    seed: int = 0,
    fewest_moves: bool = False,
) -> RepairResult:
    """Make the splits leak-free, keep their sizes and top up minimums, moving few rows.

    Parameters
    ----------
    group_row_counts_by_split : array of shape (G, S), integer
        Rows of group ``g`` currently in split ``s``; every group has at least one row.
    group_label_counts : array of shape (G, C), integer (dense, scipy.sparse or `GroupCounts`)
        Positive rows of class ``c`` in group ``g`` (over all its splits).
    fractions : sequence of S floats
        The requested share of rows per split: every split ends within one point of it
        (unless ``fewest_moves``); also breaks ties between equal shares.
    min_positives, min_positive_groups : array of shape (S,) or (S, C), optional
        Per split (and class), the minimum positive rows (groups with a positive).
    train : int, optional
        The training split, which keeps ``ceil(train_floor * P_c)`` positive rows of
        every class whatever the minimums ask; without one, no split's minimums take more
        than ``1 - train_floor`` of a class.
    train_floor : float
        The share of each class's positive rows the minimums leave to training.
    seed : int
        Seed of the tie-breaks among equally good groups to top up with, and of the
        groups the class-share step looks at.
    fewest_moves : bool
        Skip the sizes: only leaked groups move (the fewest rows), then the minimums.

    Returns
    -------
    RepairResult
        The new split per group, one `Move` per group whose rows moved, and a
        `Shortfall` for every minimum that could not be met.

    Raises
    ------
    ValueError
        On a malformed request; the message repeats the offending value.
    """
    rows_by_split = _validate_rows(group_row_counts_by_split)
    counts, sizes = validate_counts(group_label_counts, rows_by_split.sum(axis=1))
    shares = validate_fractions(fractions)
    n_splits = shares.size
    if rows_by_split.shape[1] != n_splits:
        raise ValueError(
            f"group_row_counts_by_split has {rows_by_split.shape[1]} splits "
            f"but fractions has {n_splits}: {shares.tolist()}"
        )
    n_classes = counts.n_classes
    validate_train(train, n_splits, train_floor)
    order = canonical_class_order(counts)
    positives_min, groups_min = (
        per_class(asked, n_classes)[:, order]
        for name, values in (
            ("min_positives", min_positives),
            ("min_positive_groups", min_positive_groups),
        )
        for asked in [checked_minimum(name, values, n_splits, integer=True, n_classes=n_classes)]
    )
    state = GroupState(counts.permuted(order), sizes, n_splits)
    # Without a training split (train=None), no split's minimums take more than
    # `1 - train_floor` of a class, and all of them together no more than it has.
    required = requirements(
        positives_min, groups_min, state.counts, train=train, train_floor=train_floor
    )
    totals = state.counts.totals.astype(np.float64)
    goal = objective(
        state, adjusted_targets(totals, shares, required.rows), shares * sizes.sum(), required
    )
    _resolve_leaks(state, goal, rows_by_split)
    everyone = np.ones(sizes.size, dtype=bool)
    window = size_windows(shares, int(sizes.sum()))
    rng = np.random.default_rng(seed)
    if not fewest_moves:
        resize(state, goal, rows_by_split, everyone, window)
        reshare(state, goal, rows_by_split, window, rng)
    top_up(state, required, everyone, rng, fewest_groups=True)
    if not fewest_moves:
        resize(state, goal, rows_by_split, ~_holds_a_minimum(state, required), window)
    no_prevalence = np.zeros(n_splits)
    return RepairResult(
        group_split=state.split.copy(),
        moves=_moves(rows_by_split, state.split),
        shortfalls=shortfalls_of(state, positives_min, groups_min, no_prevalence, order),
    )


def _holds_a_minimum(state: GroupState, required: Requirements) -> npt.NDArray[np.bool_]:
    """Groups carrying a class that has a minimum in their split: moving them could break it."""
    constrained = (required.rows > 0) | (required.groups > 0)
    counts = state.counts
    held = constrained[state.split[counts.owner].astype(np.intp), counts.classes]
    return np.asarray(np.bincount(counts.owner[held], minlength=counts.n_groups) > 0)


def _validate_rows(group_row_counts_by_split: npt.ArrayLike) -> IntArray:
    rows = np.asarray(group_row_counts_by_split)
    if rows.ndim != 2 or not np.issubdtype(rows.dtype, np.integer):
        raise ValueError(
            "group_row_counts_by_split must be a 2-D integer array (groups x splits), "
            f"got shape {rows.shape} and dtype {rows.dtype}"
        )
    if rows.size and rows.min() < 0:
        group, split = np.argwhere(rows < 0)[0]
        raise ValueError(
            f"group_row_counts_by_split must be >= 0, got {rows[group, split]} "
            f"for group {group}, split {split}"
        )
    return rows.astype(np.int64)


def _resolve_leaks(state: GroupState, goal: Objective, rows_by_split: IntArray) -> None:
    """Send each group to the split holding most of its rows; ties go where they fit best.

    Tied groups are judged together, each against the totals once the untied groups are
    placed (ties are a small share of the leaked groups).
    """
    largest = rows_by_split.max(axis=1, keepdims=True)
    candidates = rows_by_split == largest
    tied = candidates.sum(axis=1) > 1
    clear = np.flatnonzero(~tied)
    state.place(clear, np.argmax(candidates[clear], axis=1))
    undecided = np.flatnonzero(tied)
    if undecided.size == 0:
        return
    added, _ = placement_costs(
        state, goal, undecided, state.sizes[undecided].astype(np.float64)[:, None]
    )
    added[~candidates[undecided]] = np.inf
    state.place(undecided, np.argmin(added, axis=1))


def _moves(rows_by_split: IntArray, group_split: npt.NDArray[np.int32]) -> tuple[Move, ...]:
    destination = group_split.astype(np.intp)
    kept = rows_by_split[np.arange(destination.size), destination]
    moved_rows = rows_by_split.sum(axis=1) - kept
    moved = np.flatnonzero(moved_rows > 0)
    left = (rows_by_split[moved] > 0) & (
        np.arange(rows_by_split.shape[1]) != destination[moved, None]
    )
    return tuple(
        Move(
            group=int(g),
            from_splits=tuple(int(s) for s in np.flatnonzero(sources)),
            to_split=int(destination[g]),
            rows_moved=int(moved_rows[g]),
        )
        for g, sources in zip(moved, left, strict=True)
    )
