"""Minimum coverage: targets raised to the minimums, the top-up, and what stays unmet."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitguard.split.counts import GroupCounts
from splitguard.split.exchange import Exchanger
from splitguard.split.state import FloatArray, Groups, GroupState, IntArray


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A minimum not met: the data, the train floor or the split's size did not allow it."""

    class_index: int
    split_index: int
    kind: str  # "min-positives" | "min-positive-groups" | "min-prevalence"
    target: float
    achieved: float


@dataclass(frozen=True, slots=True)
class Requirements:
    """Per split and class (S, C): the minimums to reach, and what no minimum may take.

    ``rows`` and ``groups`` are the positive rows and positive groups each split should
    reach; ``keep`` the positive rows a split keeps whatever the others ask (the train
    floor, on the training split only).
    """

    rows: FloatArray
    groups: IntArray
    keep: FloatArray

    @property
    def floor_rows(self) -> FloatArray:
        """Positive rows below which a split may not be taken by a move."""
        return np.maximum(self.rows, self.keep)


@dataclass(frozen=True, slots=True)
class SizeBand:
    """Row targets per split and how far (in rows) a split may stray from its target."""

    targets: FloatArray  # (S,)
    width: float

    @property
    def high(self) -> FloatArray:
        return self.targets + self.width


# Every split stays within this share of all rows of its fraction, whatever is asked:
# half of the point the contract promises, so that group granularity never breaks it.
SIZE_BAND = 0.005
# Groups read at first when looking for the first that breaks a minimum (`_allowed`).
ALLOWED_CHUNK = 256


def size_band(row_targets: FloatArray, sizes: IntArray, share: float) -> SizeBand:
    """A band of ``share`` of all rows, or one group's rows where that is wider."""
    total = float(sizes.sum())
    return SizeBand(row_targets, max(share * total, float(sizes.max(initial=1))))


def per_class(minimums: npt.ArrayLike, n_classes: int) -> FloatArray:
    """Minimums as (S, C): a per-split vector (S,) applies to every class."""
    array: FloatArray = np.array(minimums, dtype=np.float64)
    if array.ndim == 1:
        array = np.repeat(array[:, None], n_classes, axis=1)
    return array


def requirements(
    positives_min: FloatArray,
    groups_min: FloatArray,
    counts: GroupCounts,
    *,
    train: int | None,
    train_floor: float,
) -> Requirements:
    """Per-split minimums (S, C), capped so that training keeps its floor of every class.

    With a training split, the other splits together claim at most what the floor
    leaves: ``P_c - ceil(train_floor * P_c)`` positive rows, and all positive groups but
    one; where they ask for more, each one's claim shrinks in proportion. Without one
    (folds), each fold's training set is its complement: a fold claims at most what the
    floor leaves, and all folds together at most what exists. Shortfalls are still
    measured against the minimums as asked.
    """
    total_rows = counts.totals.astype(np.float64)
    total_groups = counts.carrier_counts.astype(np.float64)
    # The small epsilon keeps 0.4 * 5 at 2, not at 3 through rounding error.
    kept = np.ceil(train_floor * total_rows - 1e-9)
    keeps_one = (kept > 0).astype(np.float64)
    rows = per_class(positives_min, counts.n_classes)
    groups = per_class(groups_min, counts.n_classes)
    keep = np.zeros_like(rows)
    if train is None:
        rows = _within(np.minimum(rows, total_rows - kept), total_rows, groups)
        groups = _within(np.minimum(groups, total_groups - keeps_one), total_groups)
    else:
        keep[train] = kept
        others = np.arange(rows.shape[0]) != train
        rows[others] = _within(rows[others], total_rows - kept, groups[others])
        groups[others] = _within(groups[others], total_groups - keeps_one)
        rows[train] = np.minimum(rows[train], total_rows - rows[others].sum(axis=0))
        groups[train] = np.minimum(groups[train], total_groups - groups[others].sum(axis=0))
    return Requirements(rows=np.floor(rows), groups=np.floor(groups).astype(np.int64), keep=keep)


def _within(
    minimums: FloatArray, budget: FloatArray, groups: FloatArray | None = None
) -> FloatArray:
    """The minimums of each class scaled down, where they ask for more than ``budget``.

    A positive group is at least one positive row, so a split's group minimum counts
    against the row budget too.
    """
    claim = minimums if groups is None else np.maximum(minimums, groups)
    demand = claim.sum(axis=0)
    budget = np.maximum(budget, 0.0)
    scale = np.divide(budget, demand, out=np.ones_like(demand), where=demand > budget)
    scaled: FloatArray = np.floor(minimums * scale)
    return scaled


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
    band: SizeBand | None = None,
) -> None:
    """Bring every split up to its minimums, rarest class first.

    ``fewest_groups`` takes the carriers with the most positives first (repair: fewest
    moves); otherwise those richest per row in every class the split is short of (new
    split, `_donor_pool`: the receiving split grows least). With a ``band``, the
    receiving split gives back, to the donor, groups that carry no positive it needs
    (the sparsest first), so that it keeps its size: a minimum is met by which groups
    go where, not by a bigger split. Where minimums stay unmet, the splits are
    brought back into the band and groups exchanged between them
    (`splitguard.split.exchange`); what still does not fit stays a shortfall.
    """
    constrained = (required.rows > 0) | (required.groups > 0)
    shedder = None if band is None else Shedder(state, movable, rng)
    for c, s in zip(*np.nonzero(constrained.T), strict=True):
        _top_up_cell(state, required, movable, (int(c), int(s)), fewest_groups, rng, shedder, band)
    exchanger = None if band is None else Exchanger(state, required, movable, band)
    if exchanger is not None and band is not None and exchanger.unmet().size:
        # An exchange keeps the sizes where they are, or brings them closer: first bring
        # them into the band with groups the splits can spare, as the top-up may leave
        # the receiving split above it (spare groups are what both use).
        rebalance(state, required, movable, band, rng)
        exchanger.run()


def _top_up_cell(
    state: GroupState,
    required: Requirements,
    movable: npt.NDArray[np.bool_],
    cell: tuple[int, int],
    fewest_groups: bool,
    rng: np.random.Generator,
    shedder: Shedder | None,
    band: SizeBand | None,
) -> None:
    c, s = cell
    exhausted: set[int] = set()
    while True:
        row_deficit = required.rows[s, c] - state.positives[s, c]
        group_deficit = required.groups[s, c] - state.positive_groups[s, c]
        if row_deficit <= 0 and group_deficit <= 0:
            return
        slack_rows, slack_groups = slack(state, required)
        carriers = state.carriers_of(c)
        carriers = carriers[movable[carriers] & (state.split[carriers] != s)]
        donor = _best_donor(state.split[carriers], slack_rows[:, c], slack_groups[:, c], exhausted)
        if donor is None:
            return
        pool = _donor_pool(
            state,
            carriers[state.split[carriers] == donor],
            (c, s),
            required,
            row_deficit > 0,
            fewest_groups,
            rng,
        )
        needed = _needed(state.counts.column(pool, c), row_deficit, group_deficit)
        take = _allowed(state.counts, pool[:needed], slack_rows[donor], slack_groups[donor])
        incoming = pool[:take]
        if shedder is not None and band is not None:
            # Rows to give back if every incoming group fits: what `_make_room` may use.
            excess = state.rows[s] + float(state.sizes[incoming].sum()) - band.targets[s]
            spare = shedder.spare(s, slack_rows[s], slack_groups[s], excess, keep_class=c)
            incoming, outgoing = _make_room(state, s, incoming, spare, band)
            state.place(incoming, s)
            state.place(outgoing, donor)
            if incoming.size < take or incoming.size == 0:
                return  # the split is full: what it still lacks is a shortfall
        else:
            state.place(incoming, s)
        if take < needed:
            exhausted.add(donor)


def slack(state: GroupState, required: Requirements) -> tuple[FloatArray, FloatArray]:
    """(S, C): positive rows and positive groups each split may lose; inf where free.

    A met minimum may not be broken, an unmet one not worsened (its slack is 0): slack is
    never negative, so a group can only break a minimum of a class it carries.
    """
    floor_rows = required.floor_rows
    rows = np.where(floor_rows > 0, np.maximum(state.positives - floor_rows, 0), np.inf)
    groups = np.where(
        required.groups > 0, np.maximum(state.positive_groups - required.groups, 0), np.inf
    )
    return rows, groups


def _make_room(
    state: GroupState, s: int, incoming: IntArray, spare: IntArray, band: SizeBand
) -> tuple[IntArray, IntArray]:
    """The incoming carriers that fit split ``s``, and the groups it gives back for them.

    ``s`` may grow to the top of its band while groups it can ``spare`` (`sheddable`)
    make up the rest; it gives back enough of them to return to its row target.
    """
    spare_rows = np.cumsum(state.sizes[spare])
    arriving = np.cumsum(state.sizes[incoming])
    room = band.high[s] - state.rows[s] + (spare_rows[-1] if spare_rows.size else 0)
    incoming = incoming[: int(np.searchsorted(arriving, room, side="right"))]
    if incoming.size == 0:
        return incoming, incoming
    excess = state.rows[s] + arriving[incoming.size - 1] - band.targets[s]
    if excess <= 0:
        return incoming, spare[:0]
    return incoming, spare[: int(np.searchsorted(spare_rows, excess, side="left")) + 1]


class Shedder:
    """Groups each split can give away without breaking a minimum, sparsest first.

    Sparsest (fewest positives per row) first, so that giving rows back moves as few
    positives as possible; ties in a seeded random order. The order is drawn once, when
    the first rows are asked for (so a top-up that moves nothing draws nothing), and each
    split keeps its members in that order: a request reads them from the front, in
    chunks, until it has the rows it asks for, so its cost follows the groups it reads,
    not the split's size. A group found to break a minimum alone is not read again
    (minimums met stay met, so its slack rarely comes back), nor is a group that joins a
    split later: over a top-up's thousands of requests, each group is read a few times.
    """

    def __init__(
        self, state: GroupState, movable: npt.NDArray[np.bool_], rng: np.random.Generator
    ) -> None:
        self.state = state
        self.movable = movable
        self.rng = rng
        self.queues: list[IntArray] = []
        self.blocked = np.zeros(state.counts.n_groups, dtype=bool)

    def spare(
        self,
        s: int,
        slack_rows: FloatArray,
        slack_groups: FloatArray,
        rows: float,
        *,
        keep_class: int | None = None,
    ) -> IntArray:
        """The first groups of split ``s`` that can go together, until they hold more
        than ``rows`` rows (all of them if they hold fewer); carriers of ``keep_class``
        stay. Slack is never negative (`slack`): a group that breaks a minimum alone
        is passed over; the first that breaks one together with those before it ends
        the list (`_allowed`)."""
        if rows < 0:
            return np.zeros(0, dtype=np.int64)
        state, counts = self.state, self.state.counts
        if not self.queues:
            density = counts.group_positives / state.sizes
            order = np.lexsort((self.rng.random(counts.n_groups), density))
            order = order[self.movable[order]]
            self.queues = [order[state.split[order] == k] for k in range(state.n_splits)]
        queue = self.queues[s]
        queue = self.queues[s] = queue[(state.split[queue] == s) & ~self.blocked[queue]]
        given_rows = np.zeros(counts.n_classes)
        given_groups = np.zeros(counts.n_classes)
        found: list[IntArray] = []
        held, start, chunk = 0.0, 0, ALLOWED_CHUNK
        while start < queue.size and held <= rows:
            members = queue[start : start + chunk]
            start, chunk = start + chunk, 4 * chunk
            if keep_class is not None:
                members = members[counts.column(members, keep_class) == 0]
            owner, cells = counts.entries(members)
            classes = counts.classes[cells]
            breaks = (counts.values[cells] > slack_rows[classes]) | (slack_groups[classes] < 1)
            alone = np.bincount(owner[breaks], minlength=members.size) > 0
            self.blocked[members[alone]] = True
            members = members[~alone]
            allowed = _allowed(
                counts, members, slack_rows - given_rows, slack_groups - given_groups
            )
            taken = members[:allowed]
            sizes = np.cumsum(state.sizes[taken]) + held
            taken = taken[: int(np.searchsorted(sizes, rows, side="right")) + 1]
            found.append(taken)
            held += float(state.sizes[taken].sum())
            if allowed < members.size:
                break
            owner, cells = counts.entries(taken)
            classes = counts.classes[cells]
            given_rows += np.bincount(
                classes, weights=counts.values[cells], minlength=given_rows.size
            )
            given_groups += np.bincount(classes, minlength=given_groups.size)
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def rebalance(
    state: GroupState,
    required: Requirements,
    movable: npt.NDArray[np.bool_],
    band: SizeBand,
    rng: np.random.Generator,
) -> None:
    """Bring every split within ``band`` of its row target by moving groups it can spare.

    Rows go from the split furthest above its target to the one furthest below, the
    sparsest groups first, never breaking a minimum. A split already within the band is
    left alone, so an unconstrained split is not changed.
    """
    shedder = None
    for _ in range(4 * state.n_splits**2):
        excess = state.rows - band.targets
        over, under = int(np.argmax(excess)), int(np.argmin(excess))
        if max(excess[over], -excess[under]) <= band.width:
            return
        amount = min(excess[over], -excess[under])
        slack_rows, slack_groups = slack(state, required)
        shedder = shedder or Shedder(state, movable, rng)
        spare = shedder.spare(over, slack_rows[over], slack_groups[over], amount)
        spare_rows = np.cumsum(state.sizes[spare])
        count = int(np.searchsorted(spare_rows, amount, side="right"))
        if count == 0:
            if spare.size == 0 or spare_rows[0] >= 2 * amount:
                return  # nothing the split can spare brings it closer
            count = 1
        state.place(spare[:count], under)


def _needed(positives: npt.NDArray[np.int32], row_deficit: float, group_deficit: float) -> int:
    """How many of the ordered carriers close both deficits (all of them if they cannot)."""
    reached = (np.cumsum(positives) >= row_deficit) & (
        np.arange(1, positives.size + 1) >= group_deficit
    )
    return int(np.argmax(reached)) + 1 if reached.any() else int(positives.size)


def _allowed(
    counts: GroupCounts, groups: IntArray, slack_rows: FloatArray, slack_groups: FloatArray
) -> int:
    """How many of the ordered ``groups`` the donor can give before breaking a minimum.

    Per class, the positive rows and groups given so far grow only at the class's
    carriers, so the first break is at a cell: the cells are read class by class in the
    groups' order, with running sums, and the earliest group with a breaking cell is the
    first that may not go (slack is never negative, see `slack`). The groups are read
    in chunks growing fourfold, since the first break usually comes early.
    """
    given_rows = np.zeros(counts.n_classes)
    given_groups = np.zeros(counts.n_classes)
    start, chunk = 0, ALLOWED_CHUNK
    while start < groups.size:
        owner, cells = counts.entries(groups[start : start + chunk])
        # Cells come in the groups' order: a stable sort by class keeps it within a class.
        order = np.argsort(counts.classes[cells], kind="stable")
        owner, classes = owner[order], counts.classes[cells][order]
        values = counts.values[cells][order].astype(np.int64)
        new_class = np.ones(classes.size, dtype=bool)
        new_class[1:] = classes[1:] != classes[:-1]
        first = np.flatnonzero(new_class)
        run = np.cumsum(new_class) - 1
        running = np.cumsum(values)
        rows_so_far = running - (running[first] - values[first])[run] + given_rows[classes]
        groups_so_far = np.arange(classes.size) - first[run] + 1 + given_groups[classes]
        breaks = (rows_so_far > slack_rows[classes]) | (groups_so_far > slack_groups[classes])
        if breaks.any():
            return start + int(owner[breaks].min())
        given_rows += np.bincount(classes, weights=values, minlength=counts.n_classes)
        given_groups += np.bincount(classes, minlength=counts.n_classes)
        start, chunk = start + chunk, 4 * chunk
    return int(groups.size)


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
    cell: tuple[int, int],
    required: Requirements,
    want_rows: bool,
    fewest_groups: bool,
    rng: np.random.Generator,
) -> IntArray:
    """The donor's carriers of class ``c`` in the order split ``s`` takes them.

    For repair, the most positives first (fewest groups moved), then the smallest. For a
    new split, the carriers richest per row in what ``s`` still lacks: their positives
    of ``c`` (or 1, for a positive group) plus those of the other classes ``s`` is short
    of (`_useful`). Such a carrier saves the carriers those classes would pull in later,
    each with rows the split would have to give back: with thousands of classes, the
    split ran out of groups it could give back, and the minimums it left unmet went to
    the slower exchange (on 200k rows x 1,000 classes, 920 of them, now 678). Where no
    other class is short, this is the densest first (fewest rows moved, so the split
    grows least), and the smallest first for groups, as before.
    """
    c = cell[0]
    tie_break = rng.random(pool.size)
    sizes = state.sizes[pool]
    positives = state.counts.column(pool, c)
    if fewest_groups:
        order = np.lexsort((tie_break, sizes, -positives) if want_rows else (tie_break, sizes))
        return pool[order]
    gained = (positives if want_rows else 1) + _useful(state, required, pool, cell)
    order = np.lexsort((tie_break, -positives if want_rows else sizes, -gained / sizes))
    return pool[order]


def _useful(
    state: GroupState, required: Requirements, groups: IntArray, cell: tuple[int, int]
) -> FloatArray:
    """Per group: the positives it would bring split ``s`` of the classes other than
    ``c`` that ``s`` is short of, each counted up to the shortage (of rows or groups)."""
    c, s = cell
    counts = state.counts
    owner, cells = counts.entries(groups)
    # The shortages at the groups' cells only: a top-up step reads no (C,) row.
    classes = counts.classes[cells]
    short = np.maximum(
        required.rows[s, classes] - state.positives[s, classes],
        required.groups[s, classes] - state.positive_groups[s, classes],
    )
    brought = np.where(classes == c, 0.0, np.clip(short, 0.0, counts.values[cells]))
    useful: FloatArray = np.bincount(owner, weights=brought, minlength=groups.size).astype(
        np.float64
    )
    return useful


def shortfalls_of(
    state: GroupState,
    positives_min: FloatArray,
    groups_min: FloatArray,
    prevalence_min: FloatArray,
    order: IntArray,
) -> tuple[Shortfall, ...]:
    """Every minimum the state misses, with classes named by their original column.

    Minimums are (S,) for every class or (S, C) per class, in the state's class order.
    """
    share = state.positives / np.maximum(state.rows, 1.0)[:, None]
    checks = (
        ("min-positives", state.positives, positives_min),
        ("min-positive-groups", state.positive_groups, groups_min),
        ("min-prevalence", share, prevalence_min),
    )
    n_classes = state.n_classes
    found = [
        Shortfall(int(order[c]), int(s), kind, float(minimum[s, c]), float(achieved[s, c]))
        for kind, achieved, asked in checks
        for minimum in [per_class(asked, n_classes)]
        for s, c in zip(*np.nonzero(achieved < minimum), strict=True)
    ]
    return tuple(sorted(found, key=lambda f: (f.class_index, f.split_index, f.kind)))
