"""Second-order balance: swaps that bring label pairs to their targets, classes untouched.

Once every class sits at its targets (`splitguard.split.refine`), label pairs are
balanced by exchanging groups with identical class counts between two splits: such a
swap leaves every class's positives and positive groups in every split as they are (so
LD, the per-class deviations and the minimums cannot change), and moves only the pair
rows ``y`` and the split sizes. A group with no positive moves alone to fix the sizes.

It lowers ``K = sum_sp (q_sp - U_sp)^2 / U_sp + C * sum_s (rows_s - R_s)^2 / R_s``
(``q`` pair rows, ``U = fraction_s * Q_p`` their targets, rows as in the class phase).
Moving a group with pair rows ``y`` and size ``n`` into split ``b`` changes it by
``sum_p v_bp (2 E_bp y_p + y_p^2) + u_b (2 F_b n + n^2)`` (``E``, ``F`` the deviations,
``v``, ``u`` the weights), and a swap of ``i`` (in ``a``) with ``j`` (in ``b``) by two
such moves minus ``2 sum_p (v_ap + v_bp) y_ip y_jp + 2 (u_a + u_b) n_i n_j``. Only
groups whose class counts are shared by a group with other pair rows can gain; each
round draws a seeded batch of them, scores every same-class-counts swap across splits,
and applies the best one by one, each re-checked exactly against the running totals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitguard.core.arrays import sorted_unique, spans
from splitguard.split.counts import GroupCounts
from splitguard.split.refine import GAIN_EPSILON, best_gains, small_product
from splitguard.split.state import FloatArray, GroupState, IntArray

# Objective change, group i, group j (-1 for a lone move), the split i goes to.
Proposal = tuple[float, int, int, int]

# Groups that may swap (all of them on NIH, 3,633), and the swaps among them scored each
# round; groups without positives drawn per round to fix the split sizes.
POOL_SIZE = 1 << 12
MAX_SWAPS = 1 << 17
FILLER_BATCH = 512
# Proposals re-checked and applied per round, best first.
TOP_SWAPS = 2048
TOP_FILLERS = 64
MAX_PAIR_ROUNDS = 32
# Rounds stop once one lowers the objective by less than this share of it.
STOP_FRACTION = 3e-3
# Seed of the integer probe whose dot product with a group's class counts keys the group.
KEY_SEED = 0x9A125
# Probe values stay below 2**20 so that every key is an exact integer in float64.
KEY_RANGE = 1 << 20


@dataclass(frozen=True, slots=True)
class PairObjective:
    """Pair and row targets and weights of ``K`` (see the module)."""

    pair_targets: FloatArray  # (S, P)
    pair_weights: FloatArray  # (S, P)
    row_targets: FloatArray  # (S,)
    row_weights: FloatArray  # (S,)

    def value(self, state: GroupState) -> float:
        """``K`` at the current totals."""
        pair_deviation = state.pair_positives - self.pair_targets
        return float((self.pair_weights * pair_deviation**2).sum()) + self.row_value(state)

    def row_value(self, state: GroupState) -> float:
        """The row part of ``K``."""
        return float((self.row_weights * (state.rows - self.row_targets) ** 2).sum())


def pair_objective(state: GroupState, row_targets: FloatArray) -> PairObjective:
    """Targets in proportion to the row targets; rows weigh as in the class phase."""
    shares = row_targets / max(float(row_targets.sum()), 1.0)
    pair_targets = shares[:, None] * state.pair_positives.sum(axis=0)[None, :]
    return PairObjective(
        pair_targets=pair_targets,
        pair_weights=1.0 / np.maximum(pair_targets, 1.0),
        row_targets=row_targets,
        row_weights=state.n_classes / np.maximum(row_targets, 1.0),
    )


def balance_pairs(
    state: GroupState,
    goal: PairObjective,
    movable: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> None:
    """Swap same-class-counts groups between splits until rounds stop gaining.

    The split sizes end no further from their targets than they started: swaps of groups
    of unequal sizes are undone by moving groups without positives; where those cannot
    restore the sizes (a table where every row has a label), the phase starts again with
    swaps of equal-sized groups only.
    """
    if state.pairs.n_pairs == 0 or state.n_splits < 2:
        return
    labelled = state.counts.labelled
    fillers = np.flatnonzero(movable & ~labelled)
    start = state.split.copy()
    start_rows = goal.row_value(state)
    if fillers.size:
        if not _balance(state, goal, movable & labelled, fillers, rng, equal_sizes=False):
            return  # no swap can gain, and none among equal-sized groups either
        _fix_sizes(state, goal, fillers, rng)
        if goal.row_value(state) <= start_rows + GAIN_EPSILON:
            return
        changed = np.flatnonzero(state.split != start)
        state.place(changed, start[changed])
    _balance(state, goal, movable & labelled, fillers, rng, equal_sizes=True)


def _balance(
    state: GroupState,
    goal: PairObjective,
    swappable: npt.NDArray[np.bool_],
    fillers: IntArray,
    rng: np.random.Generator,
    *,
    equal_sizes: bool,
) -> bool:
    """Swap rounds among the groups that can gain; False if there are none."""
    keys = class_keys(state.counts, state.sizes if equal_sizes else None)
    pair_keys = _pair_keys(state)
    pool = np.flatnonzero(swappable & _mixed(keys, pair_keys))
    if pool.size > POOL_SIZE:
        pool = np.sort(rng.choice(pool, size=POOL_SIZE, replace=False))
    candidates = _candidate_swaps(state, goal, pool, keys[pool], pair_keys[pool], rng)
    if candidates.left.size == 0:
        return False
    _swap_rounds(state, goal, pool, candidates, fillers, rng)
    return True


def _swap_rounds(
    state: GroupState,
    goal: PairObjective,
    pool: IntArray,
    candidates: Candidates,
    fillers: IntArray,
    rng: np.random.Generator,
) -> None:
    """Rounds of the best swaps (and filler moves) until one gains too little."""
    filler_count = min(FILLER_BATCH, fillers.size)
    # Pair rows as {pair: rows} per member, for the re-checks; fillers have none.
    owner, entries = state.pairs.entries(pool)
    sparse: list[dict[int, float]] = [{} for _ in range(pool.size + filler_count)]
    for member, pair, rows in zip(
        owner.tolist(),
        state.pairs.pair[entries].tolist(),
        state.pairs.count[entries].tolist(),
        strict=True,
    ):
        sparse[member][pair] = float(rows)
    for _ in range(MAX_PAIR_ROUNDS):
        members = np.concatenate([pool, rng.choice(fillers, size=filler_count, replace=False)])
        value = goal.value(state)
        proposals = _swap_proposals(state, goal, candidates, pool) + _filler_proposals(
            state, goal, members[pool.size :], pool.size
        )
        proposals.sort()
        if _apply(state, goal, members, sparse, proposals) > -STOP_FRACTION * value:
            return


def _fix_sizes(
    state: GroupState, goal: PairObjective, fillers: IntArray, rng: np.random.Generator
) -> None:
    """Move groups without positives until no move gains.

    Swaps of groups of unequal sizes leave the splits a few rows off their targets; this
    brings them back where the class phase left them.
    """
    filler_count = min(FILLER_BATCH, fillers.size)
    no_pair_rows: list[dict[int, float]] = [{}] * filler_count
    for _ in range(MAX_PAIR_ROUNDS):
        members = rng.choice(fillers, size=filler_count, replace=False)
        proposals = sorted(_filler_proposals(state, goal, members, 0))
        if not proposals or _apply(state, goal, members, no_pair_rows, proposals) == 0:
            return


@dataclass(frozen=True, slots=True)
class Candidates:
    """Same-class-counts swaps within a pool of groups, scored each round.

    ``left``, ``right`` index the pool; ``interaction[k, s]`` is
    ``sum_p v_sp y_left,p y_right,p``, fixed since weights and pair rows are.
    """

    pair_rows: FloatArray  # (pool, P)
    left: IntArray
    right: IntArray
    interaction: FloatArray  # (swaps, S)


def _candidate_swaps(
    state: GroupState,
    goal: PairObjective,
    pool: IntArray,
    keys: FloatArray,
    pair_keys: FloatArray,
    rng: np.random.Generator,
) -> Candidates:
    """Pool groups two by two with equal class counts and unequal pair rows (a seeded
    sample of MAX_SWAPS if there are more)."""
    by_key = np.argsort(keys, kind="stable")
    sorted_keys = keys[by_key]
    after = np.arange(1, pool.size + 1)
    partners = np.searchsorted(sorted_keys, sorted_keys, side="right") - after
    # Each group pairs with the groups after it in key order that share its key.
    position, after_it = spans(after, partners)
    left, right = by_key[position], by_key[after_it]
    useful = pair_keys[left] != pair_keys[right]
    left, right = left[useful], right[useful]
    if left.size > MAX_SWAPS:
        keep = np.sort(rng.choice(left.size, size=MAX_SWAPS, replace=False))
        left, right = left[keep], right[keep]
    interaction = _interaction(state, goal, pool, left, right)
    return Candidates(state.pairs.block(pool), left, right, interaction)


def _interaction(
    state: GroupState, goal: PairObjective, pool: IntArray, left: IntArray, right: IntArray
) -> FloatArray:
    """``sum_p v_sp y_ip y_jp`` for every (i, j) = (left, right), (swaps, S), on the sparse
    pair entries: each entry of ``i`` is looked up among the entries of ``j``."""
    pairs = state.pairs
    owner, entries = pairs.entries(pool)
    lookup = owner * pairs.n_pairs + pairs.pair[entries]
    order = np.argsort(lookup)
    lookup, counts = lookup[order], pairs.count[entries][order]
    starts = np.searchsorted(owner, np.arange(pool.size + 1))
    lengths = (starts[1:] - starts[:-1])[left]
    swap, mine = spans(starts[:-1][left], lengths)
    pair = pairs.pair[entries][mine]
    wanted = right[swap] * pairs.n_pairs + pair
    found = np.minimum(np.searchsorted(lookup, wanted), max(lookup.size - 1, 0))
    theirs = np.where(lookup[found] == wanted, counts[found], 0)
    product = pairs.count[entries][mine] * theirs
    return np.stack(
        [
            np.bincount(swap, weights=goal.pair_weights[s, pair] * product, minlength=left.size)
            for s in range(state.n_splits)
        ],
        axis=1,
    )


def _swap_proposals(
    state: GroupState, goal: PairObjective, candidates: Candidates, pool: IntArray
) -> list[Proposal]:
    """The TOP_SWAPS best swaps between two splits against the current totals."""
    split = state.split[pool].astype(np.intp)
    sizes = state.sizes[pool].astype(np.float64)
    moves = _move_scores(state, goal, candidates.pair_rows, sizes, split)
    left, right = candidates.left, candidates.right
    a, b = split[left], split[right]
    across = np.flatnonzero(a != b)
    left, right, a, b = left[across], right[across], a[across], b[across]
    interaction = candidates.interaction[across]
    scores = (
        moves[left, b]
        + moves[right, a]
        - 2 * (interaction[np.arange(across.size), a] + interaction[np.arange(across.size), b])
        - 2 * (goal.row_weights[a] + goal.row_weights[b]) * sizes[left] * sizes[right]
    )
    best = best_gains(scores, TOP_SWAPS)
    # Equal keys almost surely mean equal class counts; make sure.
    equal = rows_equal(state.counts, pool[left[best]], pool[right[best]])
    return [(float(scores[k]), int(left[k]), int(right[k]), int(b[k])) for k in best[equal]]


def _filler_proposals(
    state: GroupState, goal: PairObjective, fillers: IntArray, offset: int
) -> list[Proposal]:
    """The best moves of groups without positives, which change only the split sizes."""
    sizes = state.sizes[fillers].astype(np.float64)
    moves = _size_moves(goal, state.rows, sizes, state.split[fillers].astype(np.intp))
    best = best_gains(moves.min(axis=1), TOP_FILLERS)
    return [(float(moves[i].min()), offset + int(i), -1, int(np.argmin(moves[i]))) for i in best]


def class_keys(counts: GroupCounts, sizes: IntArray | None = None) -> FloatArray:
    """A key per group, equal for groups with equal class counts (and sizes, if given).

    Keys are exact integers in float64, so equal counts always give equal keys.
    """
    probe = np.random.default_rng(KEY_SEED).integers(1, KEY_RANGE, size=counts.n_classes + 1)
    class_probe = probe[:-1].astype(np.float64)
    keys = np.asarray(
        np.bincount(
            counts.owner,
            weights=class_probe[counts.classes] * counts.values,
            minlength=counts.n_groups,
        ),
        dtype=np.float64,
    )
    if sizes is not None:
        keys += sizes * float(probe[-1])
    return keys


def rows_equal(counts: GroupCounts, left: IntArray, right: IntArray) -> npt.NDArray[np.bool_]:
    """Whether group ``left[k]`` has the same class counts as ``right[k]``, for every k."""
    same = np.diff(counts.indptr)[left] == np.diff(counts.indptr)[right]
    owner, mine = counts.entries(left[same])
    _, theirs = counts.entries(right[same])
    differ = (counts.classes[mine] != counts.classes[theirs]) | (
        counts.values[mine] != counts.values[theirs]
    )
    same[np.flatnonzero(same)[sorted_unique(owner[differ])]] = False
    return np.asarray(same, dtype=bool)


def _pair_keys(state: GroupState) -> FloatArray:
    """A key per group, equal for groups with equal pair rows (unequal almost surely)."""
    pairs = state.pairs
    # Every group's entries, in order: the whole CSR arrays (`PairCounts.entries` of all
    # groups would make five arrays the size of the entries to find the same ones).
    owner = np.repeat(np.arange(pairs.n_groups), np.diff(pairs.indptr))
    probe = np.random.default_rng(KEY_SEED + 1).random(pairs.n_pairs)
    keys: FloatArray = np.bincount(
        owner, weights=probe[pairs.pair] * pairs.count, minlength=pairs.n_groups
    ).astype(np.float64)
    return keys


def _mixed(keys: FloatArray, pair_keys: FloatArray) -> npt.NDArray[np.bool_]:
    """Groups whose class counts are shared by a group with different pair rows."""
    order = np.lexsort((pair_keys, keys))
    sorted_keys, sorted_pairs = keys[order], pair_keys[order]
    new_bucket = np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]])
    new_variant = new_bucket | np.concatenate([[True], sorted_pairs[1:] != sorted_pairs[:-1]])
    bucket = np.cumsum(new_bucket) - 1
    variants = np.bincount(bucket, weights=new_variant)
    mixed = np.empty(keys.size, dtype=bool)
    mixed[order] = variants[bucket] > 1
    return mixed


def _apply(
    state: GroupState,
    goal: PairObjective,
    batch: IntArray,
    sparse: list[dict[int, float]],
    proposals: list[Proposal],
) -> float:
    """Apply proposals best first, each re-checked against the totals so far, in one move;
    return the change of ``K``.

    A proposal is ``(score, i, j, b)``: batch group ``i`` goes to split ``b`` and, for a
    swap (``j >= 0``), batch group ``j`` goes to the split of ``i``. A proposal changes a
    few pairs only, so the re-check runs over those, on plain floats.
    """
    deviation = (state.pair_positives - goal.pair_targets).tolist()
    weights = goal.pair_weights.tolist()
    row_deviation = (state.rows - goal.row_targets).tolist()
    row_weights = goal.row_weights.tolist()
    split = state.split[batch].tolist()
    group_sizes = state.sizes[batch].astype(np.float64).tolist()
    used: set[int] = set()
    moved: list[int] = []
    destinations: list[int] = []
    total = 0.0
    for _, i, j, b in proposals:
        if i in used or j in used:
            continue
        a = split[i]
        change = dict(sparse[i])
        if j >= 0:
            for p, c in sparse[j].items():
                change[p] = change.get(p, 0.0) - c
        n = group_sizes[i] - (group_sizes[j] if j >= 0 else 0.0)
        from_a, to_b = deviation[a], deviation[b]
        weight_a, weight_b = weights[a], weights[b]
        gain = row_weights[a] * n * (n - 2 * row_deviation[a]) + row_weights[b] * n * (
            n + 2 * row_deviation[b]
        )
        for p, c in change.items():
            gain += weight_a[p] * c * (c - 2 * from_a[p]) + weight_b[p] * c * (c + 2 * to_b[p])
        if gain >= -GAIN_EPSILON:
            continue
        total += gain
        for p, c in change.items():
            from_a[p] -= c
            to_b[p] += c
        row_deviation[a] -= n
        row_deviation[b] += n
        used.add(i)
        moved.append(i)
        destinations.append(b)
        if j >= 0:
            used.add(j)
            moved.append(j)
            destinations.append(a)
    state.place(batch[np.asarray(moved, dtype=np.intp)], np.asarray(destinations))
    return total


def _move_scores(
    state: GroupState,
    goal: PairObjective,
    pair_rows: FloatArray,
    sizes: FloatArray,
    source: npt.NDArray[np.intp],
) -> FloatArray:
    """Pair and row change of moving each group alone to each split, (n, S); inf to its own."""
    pair_deviation = state.pair_positives - goal.pair_targets
    linear = small_product(pair_rows, (goal.pair_weights * pair_deviation).T)
    quadratic = small_product(pair_rows * pair_rows, goal.pair_weights.T)
    rows = np.arange(source.size)
    pair_moves = 2 * linear + quadratic
    pair_moves += (-2 * linear + quadratic)[rows, source][:, None]
    return pair_moves + _size_moves(goal, state.rows, sizes, source)


def _size_moves(
    goal: PairObjective, split_rows: FloatArray, sizes: FloatArray, source: npt.NDArray[np.intp]
) -> FloatArray:
    """Row part of moving each group alone to each split, (n, S); inf to its own split."""
    row_deviation = split_rows - goal.row_targets
    linear = goal.row_weights * sizes[:, None] * row_deviation
    quadratic = goal.row_weights * (sizes * sizes)[:, None]
    rows = np.arange(source.size)
    moves: FloatArray = 2 * linear + quadratic
    moves += (-2 * linear + quadratic)[rows, source][:, None]
    moves[rows, source] = np.inf
    return moves
