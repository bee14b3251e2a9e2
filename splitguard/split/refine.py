"""Local search that brings every split's rows and positives to their targets.

It lowers the chi-square-like objective

    J = sum_sc (pos_sc - T_sc)^2 / T_sc  +  C * sum_s (rows_s - R_s)^2 / R_s

(``T`` positive-row targets, ``R`` row targets, ``C`` classes: the row term weighs as much
as all classes together). Moving a group with counts ``x`` into split ``b`` changes it by
``sum_c w_bc (2 D_bc x_c + x_c^2)`` with ``D = pos - T``: a whole batch of moves is
scored over the batch's nonzero cells only, and swaps with one more product (see
`_swap_scores`). Proposals are applied best first, each re-checked exactly against the
current totals and the floors (a satisfied minimum is never broken, an unmet one never
worsened), over the cells of the groups it moves, read from one ledger of Python floats
kept for the whole search.

Where a round's time goes (a batch of about 1,000 groups): on the 192-class table, half
in the swap scores (two thirds of that in `_interaction`), a tenth each in the move
costs, the floors, the re-checks and the choice of candidates; on 200k rows x 1,000
classes, a third in the swap scores and a quarter in the re-checks. With many classes
the search stops in fewer rounds (`_spread_cells`, STOP_FRACTION); a round costs what
it did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitguard.core.arrays import equal_pairs, smallest, sorted_unique
from splitguard.split.minimums import Requirements, SizeBand
from splitguard.split.state import FloatArray, GroupState, IntArray

# Refinement batch: enough candidates for good swaps, small enough that a round stays
# cheap whatever the number of groups.
BATCH_SIZE = 4096
PER_SPLIT_BATCH = 256
WORST_CLASS_BATCH = 256
MAX_ROUNDS = 400
PATIENCE = 4
TOP_CANDIDATES = 16
# Past this many classes, a round's best cells crowd onto the few groups that carry the
# classes furthest off, and most of them fail their re-check once one of those groups has
# moved: the candidates are spread over distinct groups instead (`_spread_cells`), and
# SPREAD_CANDIDATES of them per matrix. (On the 192-class table this reaches the
# objective's floor in about half the rounds.) Tables with fewer classes keep the plain
# best cells, so that their seeded splits stay what they were.
FEW_CLASSES = 64
SPREAD_CANDIDATES = 32
# The spread candidates are read from this many times as many best cells.
SPREAD_POOL = 8
# With many classes, the tail of the search is a few classes off by a positive or two:
# the extra candidates come from the carriers of this many of the worst classes.
WORST_CLASSES = 4
# Rounds stop once the last STOP_WINDOW of them together lowered the objective by less
# than STOP_FRACTION of it. (The 192-class table ran 30 more rounds for its last 2%; NIH
# gains more than that per round until its rounds stop gaining, so it stops as before.)
STOP_WINDOW = 8
STOP_FRACTION = 0.01
GAIN_EPSILON = 1e-9
# OpenBLAS runs a matrix product on several threads above about 2**18 multiply-adds.
# For the refinement's small products the threads cost more than they save (10-30x
# more on a busy machine), so products are cut into row blocks below that size.
SINGLE_THREAD_PRODUCT = 1 << 18
# A dense multiply-add costs about this many times less than summing one pair of cells:
# in swap interactions, a class carried by many groups of both sides goes into a dense
# product, the long tail is summed over its pairs of cells. (On the 192-class table,
# 16, 64, 128 and 256 cost 1.49, 1.34, 1.27 and 1.21 s of CPU; a larger ratio makes
# more dense columns, which thousands of classes pay for.)
DENSE_PRODUCT_RATIO = 128

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

    def gain(self, state: GroupState, change: Change) -> float:
        """Change of the objective if the split totals changed by ``change``."""
        cells = change.splits, change.classes
        deviation = state.positives[cells] - self.targets[cells]
        row_deviation = state.rows - self.row_targets
        return float(
            (self.weights[cells] * change.positives * (2 * deviation + change.positives)).sum()
            + (self.row_weights * change.rows * (2 * row_deviation + change.rows)).sum()
        )

    def value(self, state: GroupState) -> float:
        """``J`` at the current totals."""
        deviation = state.positives - self.targets
        row_deviation = state.rows - self.row_targets
        return float(
            (self.weights * deviation * deviation).sum()
            + (self.row_weights * row_deviation * row_deviation).sum()
        )

    def slack(self, state: GroupState) -> tuple[FloatArray, FloatArray]:
        """How many positive rows and positive groups each split may still lose, (S, C).

        Never negative: the floors start at most at the totals (`objective`) and no
        applied move breaks them, so a group can only break a floor of a class it carries.
        """
        return state.positives - self.floor_positives, state.positive_groups - self.floor_groups


@dataclass(frozen=True, slots=True)
class Change:
    """What moving some groups does to the split totals: only the cells they touch."""

    splits: IntArray  # (K,) split of each touched (split, class) cell
    classes: IntArray  # (K,)
    positives: FloatArray  # (K,)
    groups: FloatArray  # (K,) positive groups
    rows: FloatArray  # (S,)


def change_of(state: GroupState, groups: IntArray, to: IntArray) -> Change:
    """The totals' change if ``groups`` went to the splits ``to`` (each cell once).

    A proposal moves a group or two, a few cells each: they are summed on plain ints.
    """
    counts = state.counts
    cells: dict[tuple[int, int], list[int]] = {}
    rows = np.zeros(state.n_splits)
    for group, destination in zip(groups.tolist(), np.asarray(to).tolist(), strict=True):
        origin = int(state.split[group])
        start, stop = int(counts.indptr[group]), int(counts.indptr[group + 1])
        values = counts.values[start:stop].tolist()
        for c, value in zip(counts.classes[start:stop].tolist(), values, strict=True):
            for s, sign in ((origin, -1), (destination, 1)):
                cell = cells.setdefault((s, c), [0, 0])
                cell[0] += sign * value
                cell[1] += sign
        rows[origin] -= state.sizes[group]
        rows[destination] += state.sizes[group]
    keys = np.array(list(cells), dtype=np.int64).reshape(-1, 2)
    change = np.array(list(cells.values()), dtype=np.float64).reshape(-1, 2)
    return Change(keys[:, 0], keys[:, 1], change[:, 0], change[:, 1], rows)


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
    ledger = _Ledger.of(state, goal)
    spread = state.n_classes > FEW_CLASSES
    values = [goal.value(state)]
    idle_rounds = 0
    for _ in range(MAX_ROUNDS):
        batch = _draw_batch(
            state, goal, candidates, movable, rng, worst_classes=WORST_CLASSES if spread else 1
        )
        applied = _improve(state, goal, batch, ledger, spread=spread)
        idle_rounds = 0 if applied else idle_rounds + 1
        if idle_rounds >= PATIENCE:
            return
        values.append(goal.value(state))
        if len(values) > STOP_WINDOW and (
            values[-STOP_WINDOW - 1] - values[-1] < STOP_FRACTION * values[-1]
        ):
            return


def _draw_batch(
    state: GroupState,
    goal: Objective,
    candidates: IntArray,
    movable: npt.NDArray[np.bool_],
    rng: np.random.Generator,
    *,
    worst_classes: int,
) -> IntArray:
    picks = rng.choice(candidates, size=min(BATCH_SIZE, candidates.size), replace=False)
    where = state.split[picks]
    per_split = [picks[where == s][:PER_SPLIT_BATCH] for s in range(state.n_splits)]
    # The classes furthest from their targets get extra candidates: only their carriers
    # can fix them.
    badness = (goal.weights * (state.positives - goal.targets) ** 2).sum(axis=0)
    for worst_class in np.argsort(-badness, kind="stable")[:worst_classes].tolist():
        worst = state.carriers_of(worst_class)
        worst = worst[movable[worst]]
        size = min(WORST_CLASS_BATCH // worst_classes, worst.size)
        per_split.append(rng.choice(worst, size=size, replace=False))
    return sorted_unique(np.concatenate(per_split))


def placement_costs(
    state: GroupState, goal: Objective, groups: IntArray, sizes: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Objective change of adding each group to, and removing it from, each split, (n, S).

    ``sizes`` (n, 1) are the groups' rows; each change is computed alone, against the
    current totals, from the groups' cells only: O(cells * S).
    """
    deviation = state.positives - goal.targets
    row_deviation = state.rows - goal.row_targets
    owner, cells = state.counts.entries(groups)
    classes = state.counts.classes[cells]
    values = state.counts.values[cells].astype(np.float64)
    linear = per_group(owner, values, (goal.weights * deviation)[:, classes], groups.size)
    quadratic = per_group(owner, values * values, goal.weights[:, classes], groups.size)
    size_linear = goal.row_weights * sizes * row_deviation
    size_quadratic = goal.row_weights * sizes * sizes
    added = 2 * linear + quadratic + 2 * size_linear + size_quadratic
    removed = -2 * linear + quadratic - 2 * size_linear + size_quadratic
    return added, removed


def per_group(owner: IntArray, values: FloatArray, weights: FloatArray, n: int) -> FloatArray:
    """``sum`` over each group's cells of ``values * weights[s]``, for every split: (n, S)."""
    sums = [np.bincount(owner, weights=values * row, minlength=n) for row in weights]
    return np.asarray(np.stack(sums, axis=1), dtype=np.float64).reshape(n, weights.shape[0])


def _improve(
    state: GroupState, goal: Objective, batch: IntArray, ledger: _Ledger, *, spread: bool
) -> int:
    """Score the batch's moves and swaps, apply the best that still gain; return how many."""
    sizes = state.sizes[batch].astype(np.float64)[:, None]
    source = state.split[batch].astype(np.intp)
    rows = np.arange(batch.size)
    added, removed = placement_costs(state, goal, batch, sizes)
    moves = added + removed[rows, source][:, None]
    moves[rows, source] = np.inf
    slack_rows, slack_groups = goal.slack(state)
    owner, cells = state.counts.entries(batch)
    classes = state.counts.classes[cells]
    values = state.counts.values[cells].astype(np.float64)
    # A group whose leaving alone would break a floor may still leave in a swap.
    split = source[owner]
    alone = (values > slack_rows[split, classes]) | (slack_groups[split, classes] < 1)
    blocked = np.bincount(owner[alone], minlength=batch.size) > 0
    lone_moves = np.where(blocked[:, None], np.inf, moves)
    proposals: list[Proposal] = [
        (float(lone_moves[i, d]), (int(batch[i]),), (int(d),))
        for i, d in _candidates(lone_moves, spread=spread, swaps=False)
    ]
    sides = [_Side.of(owner, classes, values, source, s) for s in range(state.n_splits)]
    for a in range(state.n_splits):
        for b in range(a + 1, state.n_splits):
            side_a, side_b = sides[a], sides[b]
            if side_a.members.size == 0 or side_b.members.size == 0:
                continue
            swaps = _swap_scores(goal, sides, sizes, moves, (a, b))
            swaps[side_a.breaks_floor(side_b, slack_rows[a], slack_groups[a])] = np.inf
            swaps[side_b.breaks_floor(side_a, slack_rows[b], slack_groups[b]).T] = np.inf
            out_of_a, out_of_b = side_a.members, side_b.members
            proposals += [
                (float(swaps[i, j]), (int(batch[out_of_a[i]]), int(batch[out_of_b[j]])), (b, a))
                for i, j in _candidates(swaps, spread=spread, swaps=True)
            ]
    proposals.sort()
    return _apply_best(state, ledger, proposals)


@dataclass(frozen=True, slots=True)
class _Side:
    """The batch groups in one split and their cells (``owner`` indexes ``members``),
    with the cells' order by class, for joins on the class."""

    members: IntArray  # positions in the batch
    owner: IntArray
    classes: IntArray
    values: FloatArray
    by_class: IntArray
    sorted_classes: IntArray

    @classmethod
    def of(
        cls,
        owner: IntArray,
        classes: IntArray,
        values: FloatArray,
        source: npt.NDArray[np.intp],
        split: int,
    ) -> _Side:
        members = np.flatnonzero(source == split)
        rank = np.cumsum(source == split) - 1
        mine = source[owner] == split
        classes = classes[mine]
        by_class = np.argsort(classes, kind="stable")
        return cls(members, rank[owner[mine]], classes, values[mine], by_class, classes[by_class])

    def join(self, classes: IntArray) -> tuple[IntArray, IntArray]:
        """Every (i, j) with ``classes[i]`` the class of this side's cell ``j``."""
        return equal_pairs(classes, self.sorted_classes, self.by_class)

    def breaks_floor(
        self, arriving: _Side, slack_rows: FloatArray, slack_groups: FloatArray
    ) -> npt.NDArray[np.bool_]:
        """(leaving, arriving): whether the exchange takes this split below a floor.

        Slack is never negative, so only a class the leaving group carries can break
        it, where the group takes more than the slack: the exchange is safe if every
        such cell gets back enough from the arriving group (rows beyond the slack, and a
        positive group where the slack is none).
        """
        needed = np.maximum(
            self.values - slack_rows[self.classes], (slack_groups[self.classes] < 1) * 1.0
        )
        risky = np.flatnonzero(needed > 0)
        cell, other = arriving.join(self.classes[risky])
        met = arriving.values[other] >= needed[risky][cell]
        flat = self.owner[risky][cell[met]] * arriving.members.size + arriving.owner[other[met]]
        covered = np.bincount(flat, minlength=self.members.size * arriving.members.size)
        at_risk = np.bincount(self.owner[risky], minlength=self.members.size)
        shape = (self.members.size, arriving.members.size)
        return np.asarray(covered.reshape(shape) < at_risk[:, None])


def _swap_scores(
    goal: Objective,
    sides: list[_Side],
    sizes: FloatArray,
    moves: FloatArray,
    pair: tuple[int, int],
) -> FloatArray:
    """Objective change of swapping each group of split a with each group of split b.

    Two moves plus their interaction: with ``x, y`` the groups' counts, the quadratic
    terms of both splits gain ``-2 * sum_c (w_ac + w_bc) x_c y_c`` (and alike for rows).
    """
    a, b = pair
    out_of_a, out_of_b = sides[a].members, sides[b].members
    interaction = _interaction(sides[a], sides[b], goal.weights[a] + goal.weights[b])
    scores: FloatArray = (
        moves[out_of_a, b][:, None]
        + moves[out_of_b, a][None, :]
        - 2 * interaction
        - 2 * (goal.row_weights[a] + goal.row_weights[b]) * sizes[out_of_a] * sizes[out_of_b].T
    )
    return scores


def _interaction(left: _Side, right: _Side, weights: FloatArray) -> FloatArray:
    """``sum_c x_ic weights_c y_jc`` for every group ``i`` of ``left``, ``j`` of ``right``.

    A class carried by few groups of either side adds its pairs of cells; the classes
    carried by many groups of both (where that is cheaper) go into one dense product.
    """
    n_left, n_right = left.members.size, right.members.size
    n_classes = weights.size
    carried = np.bincount(left.classes, minlength=n_classes) * np.bincount(
        right.classes, minlength=n_classes
    )
    dense = DENSE_PRODUCT_RATIO * carried > n_left * n_right
    sparse_left = np.flatnonzero(~dense[left.classes])
    i, j = right.join(left.classes[sparse_left])
    i = sparse_left[i]
    products = left.values[i] * weights[left.classes[i]] * right.values[j]
    flat = left.owner[i] * n_right + right.owner[j]
    summed = np.bincount(flat, weights=products, minlength=n_left * n_right)
    product = summed.astype(np.float64, copy=False).reshape(n_left, n_right)
    if dense.any():
        rank = np.cumsum(dense) - 1
        dense_left = np.zeros((n_left, int(dense.sum())))
        cells = dense[left.classes]
        dense_left[left.owner[cells], rank[left.classes[cells]]] = left.values[cells]
        dense_right = np.zeros((n_right, dense_left.shape[1]))
        cells = dense[right.classes]
        dense_right[right.owner[cells], rank[right.classes[cells]]] = right.values[cells]
        product += small_product(dense_left * weights[dense], dense_right.T)
    return product


def small_product(left: FloatArray, right: FloatArray) -> FloatArray:
    """``left @ right``, in row blocks small enough for single-threaded BLAS."""
    product = np.empty((left.shape[0], right.shape[1]))
    block = max(1, SINGLE_THREAD_PRODUCT // max(1, right.size))
    for start in range(0, left.shape[0], block):
        np.matmul(left[start : start + block], right, out=product[start : start + block])
    return product


def _candidates(scores: FloatArray, *, spread: bool, swaps: bool) -> list[tuple[int, int]]:
    """Row and column of the cells of ``scores`` to propose (see FEW_CLASSES)."""
    return _spread_cells(scores, distinct_columns=swaps) if spread else _best_cells(scores)


def _best_cells(scores: FloatArray) -> list[tuple[int, int]]:
    """Row and column of the most negative finite scores, at most TOP_CANDIDATES."""
    return [divmod(int(i), scores.shape[1]) for i in best_gains(scores.ravel(), TOP_CANDIDATES)]


def best_gains(scores: FloatArray, k: int) -> IntArray:
    """Indices of the k smallest scores that gain, smallest first, ties by index."""
    kept = smallest(scores, k)
    return kept[scores[kept] < -GAIN_EPSILON]


def _spread_cells(scores: FloatArray, *, distinct_columns: bool) -> list[tuple[int, int]]:
    """The most negative scores, best first, at most SPREAD_CANDIDATES, no two in one row
    (a group leaves once), nor, with ``distinct_columns`` (swaps), in one column."""
    flat = scores.ravel()
    best = np.flatnonzero(flat < -GAIN_EPSILON)
    k = SPREAD_CANDIDATES * SPREAD_POOL
    if best.size > k:
        # Every cell tied with the k-th best is kept: the choice below is then the same
        # whatever order the partition leaves them in.
        best = best[flat[best] <= np.partition(flat[best], k - 1)[k - 1]]
    best = best[np.lexsort((best, flat[best]))]
    rows: set[int] = set()
    columns: set[int] = set()
    cells = []
    for row, column in (divmod(int(i), scores.shape[1]) for i in best):
        if row in rows or column in columns:
            continue
        rows.add(row)
        if distinct_columns:
            columns.add(column)
        cells.append((row, column))
        if len(cells) == SPREAD_CANDIDATES:
            break
    return cells


def _apply_best(state: GroupState, ledger: _Ledger, proposals: list[Proposal]) -> int:
    """Apply the proposals best first, each re-checked against the current totals and
    floors; return how many were applied.

    A round re-checks many proposals and applies few, each over the handful of cells of
    the groups it moves: the re-check reads those cells from the `_Ledger` of Python
    floats, with the arithmetic of `change_of` and `Objective.gain` on arrays.
    """
    counts = state.counts
    cells_of: dict[int, tuple[list[int], list[int], float]] = {}
    # Where the groups moved so far this round end up: placed together once the round is
    # done (the totals are sums of whole numbers, so the order of the moves cannot show).
    moved: dict[int, int] = {}
    applied = 0
    for _, groups, to in proposals:
        cells: dict[tuple[int, int], list[int]] = {}
        rows = [0.0] * state.n_splits
        for group, destination in zip(groups, to, strict=True):
            origin = moved.get(group, int(state.split[group]))
            if origin == destination:
                break  # an earlier proposal of this round already put the group there
            if group not in cells_of:
                start, stop = int(counts.indptr[group]), int(counts.indptr[group + 1])
                cells_of[group] = (
                    counts.classes[start:stop].tolist(),
                    counts.values[start:stop].tolist(),
                    float(state.sizes[group]),
                )
            classes, values, size = cells_of[group]
            for c, value in zip(classes, values, strict=True):
                for s, sign in ((origin, -1), (destination, 1)):
                    cell = cells.setdefault((s, c), [0, 0])
                    cell[0] += sign * value
                    cell[1] += sign
            rows[origin] -= size
            rows[destination] += size
        else:
            if ledger.gains(cells, rows):
                ledger.apply(cells, rows)
                moved.update(zip(groups, to, strict=True))
                applied += 1
    state.place(np.fromiter(moved, dtype=np.int64), np.fromiter(moved.values(), dtype=np.int64))
    return applied


@dataclass(frozen=True, slots=True)
class _Ledger:
    """The split totals, targets, weights and floors as nested Python lists (split,
    class), made once per refinement and kept in step with every move it applies (the
    totals are sums of whole numbers, so they stay equal to the state's)."""

    goal: Objective
    positives: list[list[float]]
    positive_groups: list[list[float]]
    rows: list[float]
    targets: list[list[float]]
    weights: list[list[float]]
    floor_positives: list[list[float]]
    floor_groups: list[list[float]]
    row_targets: list[float]
    row_weights: list[float]

    @classmethod
    def of(cls, state: GroupState, goal: Objective) -> _Ledger:
        return cls(
            goal,
            state.positives.tolist(),
            state.positive_groups.tolist(),
            state.rows.tolist(),
            goal.targets.tolist(),
            goal.weights.tolist(),
            goal.floor_positives.tolist(),
            goal.floor_groups.tolist(),
            goal.row_targets.tolist(),
            goal.row_weights.tolist(),
        )

    def gains(self, cells: dict[tuple[int, int], list[int]], rows: list[float]) -> bool:
        """Whether a change keeps every floor and size band and lowers the objective."""
        terms = []
        for (s, c), (change, groups) in cells.items():
            # Only touched cells can fall below a floor: the others are at or above theirs.
            now = self.positives[s][c]
            if now + change < self.floor_positives[s][c] or (
                self.positive_groups[s][c] + groups < self.floor_groups[s][c]
            ):
                return False
            terms.append(self.weights[s][c] * change * (2 * (now - self.targets[s][c]) + change))
        row_terms = []
        band = self.goal.row_band
        for s, moved in enumerate(rows):
            # No split leaves its size band, nor strays further from it than it already is.
            size, target = self.rows[s], self.row_targets[s]
            deviation = size - target
            if abs(size + moved - target) - band > max(abs(deviation) - band, 0):
                return False
            row_terms.append(self.row_weights[s] * moved * (2 * deviation + moved))
        # np.sum adds as the arrays' sum does (pairwise), so the gain is the same float.
        return float(np.sum(terms)) + float(np.sum(row_terms)) < -GAIN_EPSILON

    def apply(self, cells: dict[tuple[int, int], list[int]], rows: list[float]) -> None:
        for (s, c), (change, groups) in cells.items():
            self.positives[s][c] += change
            self.positive_groups[s][c] += groups
        for s, moved in enumerate(rows):
            self.rows[s] += moved
