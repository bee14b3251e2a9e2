"""Local search that brings every split's rows and positives to their targets.

It lowers the chi-square-like objective

    J = sum_sc (pos_sc - T_sc)^2 / T_sc  +  C * sum_s (rows_s - R_s)^2 / R_s

(``T`` positive-row targets, ``R`` row targets, ``C`` classes: the row term weighs as much
as all classes together). Moving a group with counts ``x`` into split ``b`` changes it by
``sum_c w_bc (2 D_bc x_c + x_c^2)`` with ``D = pos - T``, so a whole batch of moves is
scored with two matrix products, and swaps with one more (see `_swap_scores`).
Proposals are applied best first, each re-checked exactly against the current totals
and the floors (a satisfied minimum is never broken, an unmet one never worsened).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitguard.split.minimums import Requirements, SizeBand
from splitguard.split.state import FloatArray, GroupState, IntArray

# Refinement batch: enough candidates for good swaps, small enough that a round stays
# cheap whatever the number of groups.
BATCH_SIZE = 4096
PER_SPLIT_BATCH = 256
WORST_CLASS_BATCH = 256
TOP_CANDIDATES = 16
MAX_ROUNDS = 400
PATIENCE = 4
GAIN_EPSILON = 1e-9
# OpenBLAS runs a matrix product on several threads above about 2**18 multiply-adds.
# For the refinement's small products the threads cost more than they save (10-30x
# more on a busy machine), so products are cut into row blocks below that size.
SINGLE_THREAD_PRODUCT = 1 << 18

# Objective change, the groups, and the split each goes to.
Proposal = tuple[float, tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Objective:
    """What the refinement minimises, and the floors it must respect (see the module)."""

    targets: FloatArray  # (S, C) positive rows
    row_targets: FloatArray  # (S,)
    weights: FloatArray  # (S, C)
    row_weights: FloatArray  # (S,)
    floor_positives: FloatArray  # (S, C), -inf where unconstrained
    floor_groups: FloatArray  # (S, C), -inf where unconstrained
    row_band: float = np.inf  # how far a split's rows may stray from its row target

    def gain(self, state: GroupState, change: FloatArray, row_change: FloatArray) -> float:
        """Change of the objective if the split totals changed by the given amounts."""
        deviation = state.positives - self.targets
        row_deviation = state.rows - self.row_targets
        return float(
            (self.weights * change * (2 * deviation + change)).sum()
            + (self.row_weights * row_change * (2 * row_deviation + row_change)).sum()
        )

    def slack(self, state: GroupState) -> tuple[FloatArray, FloatArray]:
        """How many positive rows and positive groups each split may still lose, (S, C)."""
        return state.positives - self.floor_positives, state.positive_groups - self.floor_groups


def objective(
    state: GroupState,
    targets: FloatArray,
    row_targets: FloatArray,
    required: Requirements,
    *,
    row_band: SizeBand | None = None,
) -> Objective:
    """The refinement objective; floors keep what the minimums have reached so far."""
    n_classes = targets.shape[1]
    floor_rows = required.floor_rows
    return Objective(
        targets=targets,
        row_targets=row_targets,
        weights=1.0 / np.maximum(targets, 1.0),
        row_weights=n_classes / np.maximum(row_targets, 1.0),
        floor_positives=np.where(floor_rows > 0, np.minimum(floor_rows, state.positives), -np.inf),
        floor_groups=np.where(
            required.groups > 0, np.minimum(required.groups, state.positive_groups), -np.inf
        ),
        row_band=np.inf if row_band is None else row_band.width,
    )


def refine(
    state: GroupState, goal: Objective, movable: npt.NDArray[np.bool_], rng: np.random.Generator
) -> None:
    """Move and swap groups, a seeded batch per round, until rounds stop gaining."""
    candidates = np.flatnonzero(movable)
    if candidates.size == 0 or state.n_splits < 2:
        return
    idle_rounds = 0
    for _ in range(MAX_ROUNDS):
        batch = _draw_batch(state, goal, candidates, movable, rng)
        applied = _improve(state, goal, batch)
        idle_rounds = 0 if applied else idle_rounds + 1
        if idle_rounds >= PATIENCE:
            return


def _draw_batch(
    state: GroupState,
    goal: Objective,
    candidates: IntArray,
    movable: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> IntArray:
    picks = rng.choice(candidates, size=min(BATCH_SIZE, candidates.size), replace=False)
    where = state.split[picks]
    per_split = [picks[where == s][:PER_SPLIT_BATCH] for s in range(state.n_splits)]
    # The class furthest from its targets gets extra candidates: only its carriers can fix it.
    badness = (goal.weights * (state.positives - goal.targets) ** 2).sum(axis=0)
    if badness.size:
        worst = state.carriers_of(int(np.argmax(badness)))
        worst = worst[movable[worst]]
        size = min(WORST_CLASS_BATCH, worst.size)
        per_split.append(rng.choice(worst, size=size, replace=False))
    return np.unique(np.concatenate(per_split))


def placement_costs(
    state: GroupState, goal: Objective, counts: FloatArray, sizes: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Objective change of adding each group to, and removing it from, each split, (n, S).

    ``counts`` (n, C) and ``sizes`` (n, 1) describe the groups; each change is computed
    alone, against the current totals.
    """
    deviation = state.positives - goal.targets
    row_deviation = state.rows - goal.row_targets
    linear = small_product(counts, (goal.weights * deviation).T)
    quadratic = small_product(counts * counts, goal.weights.T)
    size_linear = goal.row_weights * sizes * row_deviation
    size_quadratic = goal.row_weights * sizes * sizes
    added = 2 * linear + quadratic + 2 * size_linear + size_quadratic
    removed = -2 * linear + quadratic - 2 * size_linear + size_quadratic
    return added, removed


def _improve(state: GroupState, goal: Objective, batch: IntArray) -> int:
    """Score the batch's moves and swaps, apply the best that still gain; return how many."""
    counts = state.counts[batch].astype(np.float64)
    sizes = state.sizes[batch].astype(np.float64)[:, None]
    source = state.split[batch].astype(np.intp)
    rows = np.arange(batch.size)
    added, removed = placement_costs(state, goal, counts, sizes)
    moves = added + removed[rows, source][:, None]
    moves[rows, source] = np.inf
    slack_rows, slack_groups = goal.slack(state)
    # A group whose leaving alone would break a floor may still leave in a swap.
    blocked = _breaks_floor_alone(counts, slack_rows[source], slack_groups[source])
    lone_moves = np.where(blocked[:, None], np.inf, moves)
    proposals: list[Proposal] = [
        (float(lone_moves[i, d]), (int(batch[i]),), (int(d),)) for i, d in _best_cells(lone_moves)
    ]
    for a in range(state.n_splits):
        for b in range(a + 1, state.n_splits):
            out_of_a = np.flatnonzero(source == a)
            out_of_b = np.flatnonzero(source == b)
            if out_of_a.size == 0 or out_of_b.size == 0:
                continue
            swaps = _swap_scores(goal, counts, sizes, moves, out_of_a, out_of_b, (a, b))
            leave_a, leave_b = counts[out_of_a], counts[out_of_b]
            swaps[_breaks_floor(leave_a, leave_b, slack_rows[a], slack_groups[a])] = np.inf
            swaps[_breaks_floor(leave_b, leave_a, slack_rows[b], slack_groups[b]).T] = np.inf
            proposals += [
                (float(swaps[i, j]), (int(batch[out_of_a[i]]), int(batch[out_of_b[j]])), (b, a))
                for i, j in _best_cells(swaps)
            ]
    proposals.sort()
    return sum(_apply_if_gain(state, goal, groups, to) for _, groups, to in proposals)


def _swap_scores(
    goal: Objective,
    counts: FloatArray,
    sizes: FloatArray,
    moves: FloatArray,
    out_of_a: IntArray,
    out_of_b: IntArray,
    pair: tuple[int, int],
) -> FloatArray:
    """Objective change of swapping each group of split a with each group of split b.

    Two moves plus their interaction: with ``x, y`` the groups' counts, the quadratic
    terms of both splits gain ``-2 * sum_c (w_ac + w_bc) x_c y_c`` (and alike for rows).
    """
    a, b = pair
    scores: FloatArray = (
        moves[out_of_a, b][:, None]
        + moves[out_of_b, a][None, :]
        - 2
        * small_product(counts[out_of_a] * (goal.weights[a] + goal.weights[b]), counts[out_of_b].T)
        - 2 * (goal.row_weights[a] + goal.row_weights[b]) * sizes[out_of_a] * sizes[out_of_b].T
    )
    return scores


def _breaks_floor_alone(
    counts: FloatArray, slack_rows: FloatArray, slack_groups: FloatArray
) -> npt.NDArray[np.bool_]:
    """(n,): whether each group's leaving takes its split below a floor."""
    too_many_rows = (counts > slack_rows).any(axis=1)
    too_many_groups = ((counts > 0) & (slack_groups < 1)).any(axis=1)
    return np.asarray(too_many_rows | too_many_groups)


def _breaks_floor(
    leaving: FloatArray, arriving: FloatArray, slack_rows: FloatArray, slack_groups: FloatArray
) -> npt.NDArray[np.bool_]:
    """(n_leaving, n_arriving): whether the exchange takes the split below a floor.

    Only classes whose slack is smaller than what one group can take are checked.
    """
    broken = np.zeros((leaving.shape[0], arriving.shape[0]), dtype=bool)
    at_risk = (slack_rows < leaving.max(axis=0, initial=0)) | (slack_groups < 1)
    for c in np.flatnonzero(at_risk):
        out, into = leaving[:, c][:, None], arriving[:, c][None, :]
        broken |= out - into > slack_rows[c]
        broken |= (out > 0).astype(np.int8) - (into > 0) > slack_groups[c]
    return broken


def small_product(left: FloatArray, right: FloatArray) -> FloatArray:
    """``left @ right``, in row blocks small enough for single-threaded BLAS."""
    product = np.empty((left.shape[0], right.shape[1]))
    block = max(1, SINGLE_THREAD_PRODUCT // max(1, right.size))
    for start in range(0, left.shape[0], block):
        np.matmul(left[start : start + block], right, out=product[start : start + block])
    return product


def _best_cells(scores: FloatArray) -> list[tuple[int, int]]:
    """Row and column of the most negative finite scores, at most TOP_CANDIDATES."""
    flat = scores.ravel()
    k = min(TOP_CANDIDATES, flat.size)
    best = np.argpartition(flat, k - 1)[:k]
    best = best[flat[best] < -GAIN_EPSILON]
    return [divmod(int(i), scores.shape[1]) for i in best]


def _apply_if_gain(
    state: GroupState, goal: Objective, groups: tuple[int, ...], to: tuple[int, ...]
) -> bool:
    """Re-check a proposal against the current totals and floors; apply it if it gains."""
    change = np.zeros_like(state.positives)
    group_change = np.zeros_like(state.positives)
    row_change = np.zeros_like(state.rows)
    for group, destination in zip(groups, to, strict=True):
        origin = state.split[group]
        if origin == destination:
            return False  # an earlier proposal of this round already put the group there
        positives = state.counts[group]
        change[origin] -= positives
        change[destination] += positives
        group_change[origin] -= positives > 0
        group_change[destination] += positives > 0
        row_change[origin] -= state.sizes[group]
        row_change[destination] += state.sizes[group]
    if (state.positives + change < goal.floor_positives).any() or (
        state.positive_groups + group_change < goal.floor_groups
    ).any():
        return False
    # No split leaves its size band, nor strays further from it than it already is.
    outside = np.abs(state.rows - goal.row_targets) - goal.row_band
    if (
        np.abs(state.rows + row_change - goal.row_targets) - goal.row_band > np.maximum(outside, 0)
    ).any():
        return False
    if goal.gain(state, change, row_change) >= -GAIN_EPSILON:
        return False
    state.place(np.asarray(groups), np.asarray(to))
    return True
