"""Group-aware, multi-label iterative stratification with minimum coverage.

Everything works on groups (patients): a group carries its row count and, per class,
its positive-row count, and it goes whole to one split, so no group leaks by construction.

Algorithm
---------
1. **Canonical class order.** Classes are sorted by (total positives, positive groups,
   a checksum of the column's content) and processed in that order. The order depends
   only on each column's content, never on its index, so permuting the columns gives the
   same assignment.
2. **Targets.** Split ``s`` should hold ``R_s = fractions[s] * N`` rows and
   ``T_sc = fractions[s] * P_c`` positives of class ``c``. Where a minimum (positive rows,
   or a prevalence turned into positive rows) asks for more, that split's target is raised
   to the minimum and the rest of the class is shared by the other splits in proportion
   to their fractions (water-filling; minimums exceeding ``P_c`` share ``P_c``).
3. **Fixed groups** (``fixed >= 0``) are placed first and never move.
4. **Iterative stratification on groups** (Sechidis et al. 2011, vectorised). Rarest class
   first, its free carrier groups are shuffled (seeded) and laid end to end by their
   positive counts; the splits' remaining needs for the class are laid end to end too,
   and each group goes to the split whose interval holds the middle of the group. Each
   split receives what it still needs up to one group's granularity, and a group is placed
   once, by its rarest class. Groups without positives then fill the splits' remaining
   row needs the same way, weighted by group size.
5. **Minimums.** The minimums are first capped so that training keeps its floor of every
   class (``train_floor``, 40% by default). For every class (rarest first) and split below
   its minimum positive rows or positive groups, carriers are pulled from the donor split
   with the most slack, those richest per row in every class the split is short of
   first, never taking a donor below its own minimum or training below its floor; the
   receiving split gives the donor back groups it can spare (the sparsest first), so
   that it keeps its size. A final rebalancing brings every split within half a
   percentage point of its row target where the minimums allow.
6. **Refinement.** A local search lowers the chi-square-like objective
   ``J = sum_sc (pos_sc - T_sc)^2 / T_sc + C * sum_s (rows_s - R_s)^2 / R_s``. Each round
   draws a seeded batch of groups (plus carriers of the worst class, or of the 4 worst
   past 64 classes), scores every move of a batch group to another split and every swap
   of two batch groups between two splits with a few matrix products, then applies the
   best candidates one by one after an exact re-check against the current totals and the
   minimums (a satisfied minimum is never broken, an unmet one never worsened, and no
   split leaves its 1-point size band). Past 64 classes the candidates are spread over
   distinct groups. It stops after a run of rounds without gain, or once 8 rounds
   together gained less than 1% of ``J``.
7. **Label pairs** (second order, Szymanski & Kajdanowicz 2017), when ``pairs`` are given
   (`label_pairs`: the pairs positive together in at least 10 groups, at most 256 of
   them). A split should also hold ``U_sp = fractions[s] * Q_p`` of the ``Q_p`` rows
   positive for both classes of pair ``p``. Groups with identical class counts are
   swapped between splits to lower ``K = sum_sp (q_sp - U_sp)^2 / U_sp`` plus the row
   term of ``J``: such a swap cannot move any class, so every class's positives and
   positive groups per split, LD, the deviations and the minimums stay exactly as step 6
   left them. A round scores every candidate swap of the pool (groups whose class counts
   are shared by a group with other pair rows) and applies the best one by one after an
   exact re-check; rounds stop when one gains less than 0.3% of ``K``. Groups without
   positives then move to bring the split sizes back; where they cannot (every row has
   a label), the step reruns with swaps of equal-sized groups only, so the size error
   never grows (`splitguard.split.pair_refine`).

Complexity: the counts are sparse (`splitguard.split.counts`): only the Z nonzero
(group, class) cells are kept, by group and by class, built from the row labels (dense
or scipy.sparse) in O(L log L) for L positive labels, with no dense (rows x classes) or
(groups x classes) array; per-split totals (S x C) stay dense, being small. Steps 1-4
read each cell a constant number of times: O(Z log Z + G + C*S). Each top-up step of
step 5 costs O(C*S) plus the carriers of its class and the cells of the groups the
receiving split reads to give rows back (one seeded sparsest-first order per split,
read from the front; a group that cannot leave alone is not read again). A refinement
round costs O(z*S) for the z cells of its batch of B groups, plus the swaps of b groups
per split: pairs of cells of the same class for rare classes and a dense (b x b x K)
product over the K classes most of the batch carries, O(b^2*S^2) for the scores; each
re-check reads the cells of the one or two groups it moves. The number of rounds is
bounded.
Counting pairs sorts the M pair occurrences of the rows (``sum_rows k (k - 1) / 2`` for
rows of ``k`` labels), O(M log M), and keeps one sparse entry per (group, kept pair)
with a positive row: never classes squared. Step 7 costs O(Z) to key the groups by their
class counts, then per round O(V*P*S) to score moves of the V <= 2^12 pool groups over the
P <= 256 pairs, O(W) for the W <= 2^17 candidate swaps (their pair interactions are
computed once, from the sparse entries) and T re-checks over the few pairs each swap
touches; at most 32 rounds. Python loops run over classes, splits, rounds and
re-checks, never over groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.split.counts import from_rows
from splitguard.split.minimums import (
    SIZE_BAND,
    Shortfall,
    adjusted_targets,
    per_class,
    rebalance,
    requirements,
    shortfalls_of,
    size_band,
    top_up,
)
from splitguard.split.pair_refine import balance_pairs, pair_objective
from splitguard.split.pairs import PairCounts, label_pairs, validate_pairs
from splitguard.split.refine import objective, refine
from splitguard.split.state import FloatArray, Groups, GroupState, canonical_class_order
from splitguard.split.validate import (
    checked_minimum,
    validate_counts,
    validate_fixed,
    validate_fractions,
    validate_train,
)

__all__ = ["Assignment", "Shortfall", "assign_folds", "assign_groups", "assign_rows"]

# A prevalence minimum becomes a positive-row minimum against the split's row target;
# the margin absorbs the refinement's small deviations of the split's size.
PREVALENCE_MARGIN = 1.002


@dataclass(frozen=True, slots=True)
class Assignment:
    """The split of every group, and the minimums that could not be met."""

    group_split: npt.NDArray[np.int32]
    shortfalls: tuple[Shortfall, ...]


def assign_groups(
    group_label_counts: Any,
    group_sizes: npt.ArrayLike,
    fractions: Sequence[float],
    *,
    min_positives: npt.ArrayLike | None = None,
    min_positive_groups: npt.ArrayLike | None = None,
    min_prevalence: npt.ArrayLike | None = None,
    train: int | None = 0,
    train_floor: float = 0.4,
    fixed: npt.ArrayLike | None = None,
    pairs: PairCounts | None = None,
    seed: int = 0,
) -> Assignment:
    """Assign every group to one split, stratified on every class, minimums first.

    Parameters
    ----------
    group_label_counts : array of shape (G, C), integer; or scipy.sparse, or `GroupCounts`
        Positive rows of class ``c`` in group ``g``; kept sparse whatever its form.
    group_sizes : array of shape (G,), integer >= 1
        Rows in group ``g``.
    fractions : sequence of S floats
        Requested share of rows per split; non-negative, summing to 1.
    min_positives, min_positive_groups : array of shape (S,) or (S, C), integer, optional
        Per split (and class), the minimum positive rows (groups with a positive).
    min_prevalence : array of shape (S,) or (S, C), floats in [0, 1], optional
        Per split (and class), the minimum share of the split's rows the class makes up.
    train : int or None, default 0
        The training split, which keeps ``train_floor`` of every class whatever the
        minimums ask; None for folds, where each fold's complement keeps it.
    train_floor : float in [0, 1], default 0.4
        Share of every class's positive rows no minimum may take from training.
    fixed : array of shape (G,), optional
        ``-1`` for a free group, else the split the group must keep.
    pairs : PairCounts, optional
        Rows positive for both classes of each label pair, per group (`label_pairs`);
        these pairs are balanced too, without moving any class off its targets.
    seed : int
        Seed of every random choice.

    Returns
    -------
    Assignment
        ``group_split`` (G,) int32, and a `Shortfall` for every minimum not met.

    Raises
    ------
    ValueError
        On a malformed request; the message repeats the offending value.

    Notes
    -----
    The same inputs and seed give the same array; permuting the class columns does not
    change it. Minimums are met by choosing which groups go where, never by resizing a
    split: every split stays within `SIZE_BAND` of the rows (or one group, if larger) of
    its fraction, fixed groups permitting. No minimum takes training below
    ``ceil(train_floor * P_c)`` positive rows of class ``c``. A minimum that these
    limits, the groups that exist or the greedy top-up do not allow is not met; the
    result names the class, split, target and achieved value in a `Shortfall`.
    """
    counts, sizes = validate_counts(group_label_counts, group_sizes)
    shares = validate_fractions(fractions)
    n_splits, n_classes = shares.size, counts.n_classes
    asked = {
        name: checked_minimum(name, values, n_splits, integer=integer, n_classes=n_classes)
        for name, values, integer in (
            ("min_positives", min_positives, True),
            ("min_positive_groups", min_positive_groups, True),
            ("min_prevalence", min_prevalence, False),
        )
    }
    if (asked["min_prevalence"] > 1).any():
        raise ValueError(
            f"min_prevalence must be at most 1, got {asked['min_prevalence'].tolist()}"
        )
    validate_train(train, n_splits, train_floor)
    fixed_split = validate_fixed(fixed, counts.n_groups, n_splits)

    order = canonical_class_order(counts)
    positives_min, groups_min, prevalence_min = (
        per_class(asked[name], n_classes)[:, order]
        for name in ("min_positives", "min_positive_groups", "min_prevalence")
    )
    ordered_pairs = None if pairs is None else validate_pairs(pairs, counts.shape, order)
    state = GroupState(counts.permuted(order), sizes, n_splits)
    row_targets = shares * float(sizes.sum())
    prevalence_rows = np.ceil(prevalence_min * row_targets[:, None] * PREVALENCE_MARGIN)
    required = requirements(
        np.maximum(positives_min, prevalence_rows),
        groups_min,
        state.counts,
        train=train,
        train_floor=train_floor,
    )
    totals = state.counts.totals.astype(np.float64)
    targets = adjusted_targets(totals, shares, required.floor_rows)
    rng = np.random.default_rng(seed)
    movable = fixed_split < 0
    state.place(np.flatnonzero(~movable), fixed_split[~movable])
    _stratify_free(state, shares[:, None] * totals, row_targets, rng)
    band = size_band(row_targets, sizes, SIZE_BAND)
    top_up(state, required, movable, rng, fewest_groups=False, band=band)
    rebalance(state, required, movable, band, rng)
    goal = objective(state, targets, row_targets, required, row_band=band)
    refine(state, goal, movable, rng)
    if ordered_pairs is not None:
        state.track_pairs(ordered_pairs)
        balance_pairs(state, pair_objective(state, row_targets), movable, rng)
    shortfalls = shortfalls_of(state, positives_min, groups_min, prevalence_min, order)
    return Assignment(group_split=state.split.copy(), shortfalls=shortfalls)


def assign_rows(
    labels: Any,
    group_index: npt.ArrayLike,
    fractions: Sequence[float],
    *,
    n_groups: int | None = None,
    balance_pairs: bool = True,
    **options: Any,
) -> Assignment:
    """`assign_groups` from row labels: counts (and label pairs) per group, then the split.

    ``labels`` (N, C) is a dense bool (or 0/1) array or a scipy.sparse matrix (CSR
    preferred); ``group_index`` (N,) numbers the groups ``0 .. n_groups - 1`` (by default
    one more than its largest value). The counts are built sparse, so no dense (N, C) or
    (G, C) array is made. ``balance_pairs`` also balances the label pairs
    (`label_pairs`); the other options are those of `assign_groups`.
    """
    where = np.asarray(group_index).astype(np.int64, copy=False).ravel()
    if where.size != labels.shape[0] or (where.size and where.min() < 0):
        raise ValueError(
            f"group_index must be one group number >= 0 per row ({labels.shape[0]} rows), "
            f"got {where.size} values from {where.min(initial=0)}"
        )
    count = int(where.max(initial=-1)) + 1 if n_groups is None else n_groups
    if count <= int(where.max(initial=-1)):
        raise ValueError(f"n_groups is {count} but group_index reaches {where.max()}")
    pairs = label_pairs(labels, where, count) if balance_pairs else None
    return assign_groups(
        from_rows(labels, where, count),
        np.bincount(where, minlength=count),
        fractions,
        pairs=pairs,
        **options,
    )


def assign_folds(
    group_label_counts: npt.ArrayLike,
    group_sizes: npt.ArrayLike,
    n_folds: int,
    *,
    min_positives: int = 0,
    min_positive_groups: int = 0,
    min_prevalence: float = 0.0,
    train_floor: float = 0.4,
    fixed: npt.ArrayLike | None = None,
    pairs: PairCounts | None = None,
    seed: int = 0,
) -> Assignment:
    """Assign every group to one of ``n_folds`` equal folds; minimums apply to every fold.

    A thin front to `assign_groups` with ``fractions = [1 / n_folds] * n_folds`` and no
    training split: each fold's complement trains, and keeps ``train_floor`` of every
    class (a fold's minimums claim at most the rest).
    """
    if isinstance(n_folds, bool) or not isinstance(n_folds, int | np.integer) or n_folds < 2:
        raise ValueError(f"n_folds must be an integer >= 2, got {n_folds!r}")
    k = int(n_folds)
    return assign_groups(
        group_label_counts,
        group_sizes,
        [1.0 / k] * k,
        min_positives=[min_positives] * k,
        min_positive_groups=[min_positive_groups] * k,
        min_prevalence=[min_prevalence] * k,
        train=None,
        train_floor=train_floor,
        fixed=fixed,
        pairs=pairs,
        seed=seed,
    )


def _stratify_free(
    state: GroupState, targets: FloatArray, row_targets: FloatArray, rng: np.random.Generator
) -> None:
    for c in range(targets.shape[1]):
        carriers = state.carriers_of(c)
        free = rng.permutation(carriers[state.split[carriers] < 0])
        if free.size:
            need = targets[:, c] - state.positives[:, c]
            _fill(state, free, state.counts.column(free, c), need, targets[:, c])
    unlabelled = rng.permutation(np.flatnonzero(state.split < 0))
    if unlabelled.size:
        need = row_targets - state.rows
        _fill(state, unlabelled, state.sizes[unlabelled], need, row_targets)


def _fill(
    state: GroupState,
    groups: Groups,
    weights: npt.NDArray[np.integer[Any]],
    need: FloatArray,
    fallback: FloatArray,
) -> None:
    """Lay groups end to end by weight; each goes to the split whose need covers its middle."""
    need = np.clip(need, 0.0, None)
    if need.sum() <= 0:
        # Every split already has its share: spread the rest in proportion to the targets.
        need = fallback
    bounds = np.cumsum(need) / need.sum() * float(weights.sum())
    middles = np.cumsum(weights) - weights / 2.0
    destination = np.minimum(np.searchsorted(bounds, middles, side="right"), state.n_splits - 1)
    state.place(groups, destination)
