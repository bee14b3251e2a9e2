"""Minimums the greedy top-up leaves unmet, met by exchanging groups between splits.

The top-up (`splitguard.split.minimums.top_up`) pulls carriers of a short class into a
split and gives back groups that break no minimum. With thousands of classes a split
soon holds no such group: nearly every group carries some class that sits exactly at
its minimum there, and the top-up stops although the class could be met (on 1M rows x
5,000 classes, a class with 159 positive groups got 18 of the 20 asked in test).

Here a carrier of the short class comes in and one group of the receiving split goes
to the carrier's split in exchange (or none, where the sizes allow). An exchange is
kept only if it lowers (cells unmet, total deficit, room lost above the minimums),
compared in that order, over both splits and every class the two groups carry. It may
leave another minimum unmet where it meets more, so the number of unmet minimums never
rises and the search ends. Room above a minimum (up to `MARGIN` positives) decides
between exchanges that meet as much: it is what lets a later exchange give a group
away, so a full split fills with the scarcer positives. The train floor is never
broken. Both splits stay within their size band, or no further from their targets than
they were.

Cost: a pass scores every group of a receiving split as the one to give back, once per
(receiving, donor) pair of splits, O(Z) for the Z nonzero (group, class) cells. A
scoring then reads the carriers of the short class and, for the best few, the first
groups of that order, exactly against the current totals: O(cells of these groups + C).
Its best exchange is made, then its runners-up, each re-checked against the totals the
exchanges before it left (O(cells of two groups)), while the class stays short: a
scoring costs about a millisecond at 5,000 classes (some hundred small numpy calls), a
re-check a tenth of that. Every unmet cell of a pass ends on a scoring that finds
nothing, so a pass costs at least one scoring per cell it leaves unmet. Passes repeat
while one meets `PASS_GAIN` of the cells left, at most `PASSES` times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from splitguard.core.arrays import equal_pairs, sorted_unique
from splitguard.split.state import FloatArray, GroupState, IntArray

if TYPE_CHECKING:
    from splitguard.split.minimums import Requirements, SizeBand

# Keys compare (cells unmet, total deficit, room lost above the minimums) in that order:
# an unmet cell outweighs any deficit, a row of deficit any room an exchange can make.
UNMET_WEIGHT = float(2**44)
DEFICIT_WEIGHT = float(2**16)
MARGIN = 2.0
# The shortage of a cell without a floor: far below any count, exact in float64.
NO_FLOOR = -float(2**30)
# Carriers of the short class scored per exchange, best first, and groups of the
# receiving split offered to each in return (best first by the pass's scores). Each
# carrier keeps its PARTNERS_KEPT best partners: the runners-up a scoring tries after
# its best. Re-checks of runners-up almost always pass (on 1M x 5,000, 3,033 of 3,216),
# so the carriers scored bound the exchanges a scoring makes. Shortfalls on 200k x
# 1,000 with 4, 8 and 12 carriers: 378, 374, 375 (376 before runners-up); on 1M x 5,000
# with 4, 6, 8 and 12: 4,255, 4,316, 4,296, 4,411 (4,311 before). The search is greedy
# and these move by a few percent either way; 8 is below the old counts on both. Since
# the top-up takes the carriers richest in every short class first, 200k x 1,000 leaves
# 366, 364, 363 and 370 with 4, 8, 12 and 16 carriers.
CARRIERS_TRIED = 8
OFFERED = 16
PARTNERS_KEPT = 3
# Passes stop when one meets under this share of the cells unmet at its start: later
# passes try every cell left again for few gains (on 1M x 5,000, the passes after that
# met about 1% of their cells each).
PASSES = 16
PASS_GAIN = 0.05
# Groups of the receiving split's order kept for a pass.
POOL = 4096


@dataclass(frozen=True, slots=True)
class _Change:
    """What moving cells changes, as one key (see the weights), and the train floor broken."""

    key: FloatArray
    starves: npt.NDArray[np.bool_]


def _standing(short_rows: FloatArray, short_groups: FloatArray) -> FloatArray:
    """Where a cell stands, given the positive rows and groups it is short of its floors
    (negative: above them): `UNMET_WEIGHT` if unmet, plus per short row or group
    `DEFICIT_WEIGHT`, less per row or group of room above the floor up to `MARGIN`. A
    change's key is the standing after it minus the one before: (cells unmet, total
    deficit, room lost) in that order of weight.

    Per shortage ``a``, ``DEFICIT_WEIGHT * max(a, 0) - min(max(-a, 0), MARGIN)`` is
    ``max(DEFICIT_WEIGHT * a, a, -MARGIN)`` (the weight is at least 1): one pass of
    three calls instead of a clip each way.
    """
    unmet = np.where((short_rows > 0) | (short_groups > 0), UNMET_WEIGHT, 0.0)
    rows = np.maximum(np.maximum(short_rows * DEFICIT_WEIGHT, short_rows), -MARGIN)
    groups = np.maximum(np.maximum(short_groups * DEFICIT_WEIGHT, short_groups), -MARGIN)
    standing: FloatArray = unmet + rows + groups
    return standing


class Exchanger:
    """Meets unmet minimums of a `GroupState` by exchanging groups between splits."""

    def __init__(
        self,
        state: GroupState,
        required: Requirements,
        movable: npt.NDArray[np.bool_],
        band: SizeBand,
    ) -> None:
        self.state = state
        self.floor_rows = required.floor_rows
        self.floor_groups = required.groups.astype(np.float64)
        self.keep = required.keep
        self.movable = movable
        self.band = band
        self.offers: dict[tuple[int, int], IntArray] = {}
        # Where no floor is asked, a cell's shortage is `NO_FLOOR`: never short, its room
        # always full, so it adds nothing to a key (no mask to multiply by).
        self.no_floor_rows = (self.floor_rows <= 0).ravel()
        self.no_floor_groups = (self.floor_groups <= 0).ravel()
        self.derived_at = -1
        cells = self.no_floor_rows.size
        self.derived: tuple[FloatArray, FloatArray, FloatArray, FloatArray] = (
            np.zeros(cells),
            np.zeros(cells),
            np.zeros(cells),
            np.zeros(cells),
        )

    def run(self) -> None:
        """Pass over the unmet cells until one meets under `PASS_GAIN` of them."""
        for _ in range(PASSES):
            cells = self.unmet()
            if cells.size == 0:
                return
            self.offers = {}
            for s, c in cells:
                while self.is_unmet(int(s), int(c)) and self.exchange(int(s), int(c)):
                    pass
            if len(self.unmet()) > (1 - PASS_GAIN) * len(cells):
                return

    def unmet(self) -> IntArray:
        """(split, class) of every unmet cell, rarest class first."""
        state = self.state
        short = (state.positives < self.floor_rows) | (state.positive_groups < self.floor_groups)
        split, cls = np.nonzero(short)
        order = np.lexsort((split, cls))
        cells: IntArray = np.stack([split[order], cls[order]], axis=1)
        return cells

    def is_unmet(self, s: int, c: int) -> bool:
        state = self.state
        return bool(
            state.positives[s, c] < self.floor_rows[s, c]
            or state.positive_groups[s, c] < self.floor_groups[s, c]
        )

    def change(
        self,
        flat: IntArray,
        rows: FloatArray,
        groups: FloatArray,
        base: tuple[FloatArray, FloatArray] | None = None,
    ) -> _Change:
        """The change of each cell (``flat``: split * classes + class) given ``rows`` and
        ``groups`` more positives there, on top of ``base`` (rows, groups) already added.

        A cell's key is `_standing` after the change minus `_standing` before it (the
        one before is kept per cell, `shorts`). All of it is whole numbers well below
        2**53, so the keys add up exactly in any order: callers score both splits of a
        move in one call and sum the halves.
        """
        short_rows_by_cell, short_groups_by_cell, above_keep_by_cell, standing_by_cell = (
            self.shorts()
        )
        short_rows = short_rows_by_cell[flat]
        short_groups = short_groups_by_cell[flat]
        above_keep = above_keep_by_cell[flat]
        if base is None:
            before = standing_by_cell[flat]
        else:
            short_rows = short_rows - base[0]
            short_groups = short_groups - base[1]
            above_keep = above_keep + base[0]
            before = _standing(short_rows, short_groups)
        starves = (rows < 0) & (above_keep + rows < 0)
        return _Change(_standing(short_rows - rows, short_groups - groups) - before, starves)

    def shorts(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Per (split, class), flat: positive rows and groups short of the floors
        (`NO_FLOOR` where none is asked), positive rows above the train floor, and the
        cell's `_standing`, at the current totals.

        Derived once per placement, not per scoring: a scoring gathers four arrays
        instead of deriving them from five (and the standing before a change from
        those), and an exchange scores several times between placements.
        """
        if self.derived_at != self.state.version:
            self._derive(np.arange(self.no_floor_rows.size))
        return self.derived

    def _derive(self, flat: IntArray) -> None:
        """`shorts` again at cells ``flat``: every cell, or the only ones a placement
        changed."""
        state = self.state
        short_rows, short_groups, above_keep, standing = self.derived
        positives = state.positives.reshape(-1)[flat]
        rows = np.where(
            self.no_floor_rows[flat], NO_FLOOR, self.floor_rows.reshape(-1)[flat] - positives
        )
        groups = np.where(
            self.no_floor_groups[flat],
            NO_FLOOR,
            self.floor_groups.reshape(-1)[flat] - state.positive_groups.reshape(-1)[flat],
        )
        short_rows[flat], short_groups[flat] = rows, groups
        above_keep[flat] = positives - self.keep.reshape(-1)[flat]
        standing[flat] = _standing(rows, groups)
        self.derived_at = state.version

    def both_ways(
        self,
        into: int,
        out: IntArray | int,
        classes: IntArray,
        values: FloatArray,
        groups: FloatArray | float,
        base: tuple[FloatArray, FloatArray] | None = None,
    ) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        """Per cell: the key of ``values`` positive rows (``groups`` positive groups) of
        ``classes`` joining split ``into`` and leaving split ``out`` (a split per cell, or
        one for all), on top of ``base`` (rows, groups) already added to ``into`` and
        taken from ``out``; and whether the move breaks a train floor on either side (a
        negative value takes rows from ``into``)."""
        n_classes, n = self.state.n_classes, classes.size
        flat = np.concatenate([into * n_classes + classes, out * n_classes + classes])
        signed = np.concatenate([values, -values])
        if isinstance(groups, float):
            carried = np.repeat([groups, -groups], n)
        else:
            carried = np.concatenate([groups, -groups])
        if base is not None:
            base = (np.concatenate([base[0], -base[0]]), np.concatenate([base[1], -base[1]]))
        change = self.change(flat, signed, carried, base)
        return change.key[:n] + change.key[n:], change.starves[:n] | change.starves[n:]

    def offered(self, s: int, d: int) -> IntArray:
        """The movable groups of ``s`` best given to ``d`` alone, best first (this pass)."""
        if (s, d) not in self.offers:
            state = self.state
            members = np.flatnonzero((state.split == s) & self.movable)
            key, starves = self.alone(members, d)
            members, key = members[~starves], key[~starves]
            # The best few suffice for a pass: it makes far fewer exchanges than that.
            self.offers[s, d] = members[np.lexsort((members, key))][:POOL]
        return self.offers[s, d]

    def exchange(self, s: int, c: int) -> bool:
        """Make the best exchange that brings a carrier of ``c`` into ``s``, then, while
        ``c`` stays short there, the next best of the same scoring that still lower the
        key once re-checked (`exchange_if_better`); False if none lowers the key.

        A scoring reads every carrier of ``c``; its runners-up save most of the scorings
        a deficit of several positives would take (a rescoring finds the same carriers).
        """
        state, counts = self.state, self.state.counts
        carriers = counts.carriers_of(c)
        carriers = carriers[self.movable[carriers] & (state.split[carriers] != s)]
        if carriers.size == 0:
            return False
        key, starves = self.alone(carriers, s)
        order = np.lexsort((carriers, key))
        # Carriers that break a train floor alone are passed over.
        best = order[~starves[order]][:CARRIERS_TRIED]
        keys, incoming, outgoing = [], [], []
        for d in sorted_unique(state.split[carriers[best]]):
            mine = best[state.split[carriers[best]] == d]
            options, partners = self.best_partners(carriers[mine], key[mine], s, int(d))
            keys.append(options.ravel())
            incoming.append(np.repeat(carriers[mine], options.shape[1]))
            outgoing.append(partners.ravel())
        if not keys:
            return False
        all_keys, all_in, all_out = (np.concatenate(a) for a in (keys, incoming, outgoing))
        lowers = all_keys < 0
        if not lowers.any():
            return False
        all_keys, all_in, all_out = all_keys[lowers], all_in[lowers], all_out[lowers]
        order = np.lexsort((all_out, all_in, all_keys))
        moved: set[int] = set()
        made = False
        for group, partner in zip(all_in[order].tolist(), all_out[order].tolist(), strict=True):
            if made and not self.is_unmet(s, c):
                break
            if group in moved or (partner >= 0 and partner in moved):
                continue
            # The first option was scored at the current totals; later ones are re-checked.
            if not made:
                self.place_exchange(s, group, partner)
            elif not self.exchange_if_better(s, group, partner):
                continue
            moved.update((group, partner) if partner >= 0 else (group,))
            made = True
        return made

    def place_exchange(self, s: int, incoming: int, outgoing: int) -> None:
        """Bring ``incoming`` into ``s`` and send ``outgoing`` (-1: none) to its split."""
        state = self.state
        d = int(state.split[incoming])
        groups = np.array([incoming] if outgoing < 0 else [incoming, outgoing])
        fresh = self.derived_at == state.version
        classes = state.place(groups, np.array([s, d])[: groups.size])
        if fresh:
            # Only the cells of the two groups changed, in s and d: derive those alone
            # (at 5,000 classes, deriving every cell after each exchange cost a tenth).
            self._derive(
                np.concatenate([s * state.n_classes + classes, d * state.n_classes + classes])
            )

    def exchange_if_better(self, s: int, incoming: int, outgoing: int) -> bool:
        """`place_exchange` if it lowers the key at the current totals, breaks no train
        floor and keeps the sizes in their band (or no further off); False if not."""
        state, counts = self.state, self.state.counts
        d = int(state.split[incoming])
        groups = np.array([incoming] if outgoing < 0 else [incoming, outgoing])
        grows = state.sizes[groups[:1]] - state.sizes[groups[1:]].sum()
        if not self.fits(s, d, grows.astype(np.float64)).all():
            return False
        owner, cells = counts.entries(groups)
        # +1 for the incoming group's cells, -1 for the outgoing group's.
        sign = 1.0 - 2.0 * owner
        classes = counts.classes[cells]
        # A class both groups carry changes by the difference: one cell per class.
        classes, where = np.unique(classes, return_inverse=True)
        rows: FloatArray = np.bincount(
            where, weights=counts.values[cells] * sign, minlength=classes.size
        ).astype(np.float64)
        carried: FloatArray = np.bincount(where, weights=sign, minlength=classes.size).astype(
            np.float64
        )
        key, starves = self.both_ways(s, d, classes, rows, carried)
        if starves.any():
            return False
        if not float(key.sum()) < 0:
            return False
        self.place_exchange(s, incoming, outgoing)
        return True

    def alone(self, groups: IntArray, to: int) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        """Per group: the key of moving it alone to split ``to``, and whether that breaks
        the train floor of its own split."""
        counts = self.state.counts
        owner, cells = counts.entries(groups)
        classes = counts.classes[cells]
        values = counts.values[cells].astype(np.float64)
        origin = self.state.split[groups][owner].astype(np.int64)
        weights, out_starves = self.both_ways(to, origin, classes, values, 1.0)
        key = np.bincount(owner, weights=weights, minlength=groups.size).astype(np.float64)
        starves = np.bincount(owner, weights=out_starves, minlength=groups.size) > 0
        return key, starves

    def best_partners(
        self,
        incoming: IntArray,
        alone: FloatArray,
        s: int,
        d: int,
    ) -> tuple[FloatArray, IntArray]:
        """Per carrier of ``incoming`` (all in ``d``; ``alone`` the key of moving each
        alone) coming into ``s``: the keys of its exchanges (inf where none fits), each
        with the group that goes to ``d`` for it, among the first groups of the pass's
        order (`offered`): moving alone (-1, first column), then its `PARTNERS_KEPT`
        best partners.

        The key of an exchange is the carrier's key alone, plus the offer's key alone
        (its cells leaving ``s`` for ``d``), plus a correction at the classes the two
        share, where the offer's cells change on top of the carrier's. Keys are whole
        numbers, so the sum is exact: the same as scoring every (carrier, offer cell),
        at the cost of the offers' cells plus the shared ones.
        """
        state, counts = self.state, self.state.counts
        sizes = state.sizes[incoming].astype(np.float64)
        offers = self.offered(s, d)
        offers = offers[state.split[offers] == s][: 4 * OFFERED]
        # (carrier, offer): both splits within their band, or no further off than now.
        grows = sizes[:, None] - state.sizes[offers].astype(np.float64)[None, :]
        fits = self.fits(s, d, grows) & (offers[None, :] != incoming[:, None])
        usable_offers = np.flatnonzero(fits.any(axis=0))[:OFFERED]
        offers, fits = offers[usable_offers], fits[:, usable_offers]
        n_in, n_offers = incoming.size, offers.size
        # Moving alone, where the sizes allow.
        alone_keys = np.where(self.fits(s, d, sizes), alone, np.inf)[:, None]
        no_partner = np.full((n_in, 1), -1)
        if n_offers == 0:
            return alone_keys, no_partner
        in_owner, in_cells = counts.entries(incoming)
        owner, cells = counts.entries(offers)
        classes = counts.classes[cells]
        values = counts.values[cells].astype(np.float64)
        # The (carrier cell, offer cell) pairs of one class.
        by_class = np.argsort(classes, kind="stable")
        in_shared, offer_shared = equal_pairs(counts.classes[in_cells], classes[by_class], by_class)
        n_cells = owner.size
        # The offers' cells alone, then again on top of the carriers' at the shared ones:
        # they join d and leave s, where the carrier's cells came in.
        at = np.concatenate([np.arange(n_cells), offer_shared])
        added_rows = np.concatenate([np.zeros(n_cells), counts.values[in_cells[in_shared]]])
        added_groups = np.concatenate([np.zeros(n_cells), np.ones(in_shared.size)])
        weights, leave_starves = self.both_ways(
            d, s, classes[at], values[at], 1.0, (-added_rows, -added_groups)
        )
        alone_weights, shared_weights = weights[:n_cells], weights[n_cells:]
        alone_starves = leave_starves[:n_cells].astype(np.float64)
        shared_starves = leave_starves[n_cells:].astype(np.float64)
        # Per offer alone; per (carrier, offer) the change at the shared cells (rows
        # breaking the train floor are counted: the pair breaks it if any cell does).
        offer_key = np.bincount(owner, weights=alone_weights, minlength=n_offers)
        offer_starves = np.bincount(owner, weights=alone_starves, minlength=n_offers)
        pair = in_owner[in_shared] * n_offers + owner[offer_shared]
        total = n_in * n_offers
        shared_key = np.bincount(
            pair, weights=shared_weights - alone_weights[offer_shared], minlength=total
        ).reshape(n_in, n_offers)
        shared_breaks = np.bincount(
            pair, weights=shared_starves - alone_starves[offer_shared], minlength=total
        ).reshape(n_in, n_offers)
        starves = shared_breaks + offer_starves[None, :] > 0
        key = np.where(fits & ~starves, shared_key + offer_key[None, :] + alone[:, None], np.inf)
        # A stable sort: among equal keys, the offer first in the pass's order.
        best = np.argsort(key, axis=1, kind="stable")[:, :PARTNERS_KEPT]
        keys: FloatArray = np.concatenate([alone_keys, key[np.arange(n_in)[:, None], best]], axis=1)
        return keys, np.concatenate([no_partner, offers[best]], axis=1)

    def fits(self, s: int, d: int, grows: FloatArray) -> npt.NDArray[np.bool_]:
        """Whether ``s`` growing by ``grows`` rows (and ``d`` shrinking by as many)
        keeps both within their band, or no further from their targets than now."""
        rows, targets, width = self.state.rows, self.band.targets, self.band.width
        # Python floats: the arithmetic on the two splits' scalars was most of the call.
        rows_s, rows_d = float(rows[s]), float(rows[d])
        target_s, target_d = float(targets[s]), float(targets[d])
        allowed_s = max(width, abs(rows_s - target_s))
        allowed_d = max(width, abs(rows_d - target_d))
        fits: npt.NDArray[np.bool_] = (np.abs(rows_s + grows - target_s) <= allowed_s) & (
            np.abs(rows_d - grows - target_d) <= allowed_d
        )
        return fits
