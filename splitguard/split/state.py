"""Groups, their current split, and per-split totals kept in step with every move."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.core.frame import SPLIT_INDEX
from splitguard.split.counts import GroupCounts
from splitguard.split.pairs import PairCounts, no_pairs

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Groups = npt.NDArray[np.integer[Any]]

# Seed of the probe vector whose dot product with a column identifies its content.
CHECKSUM_SEED = 0x5EED
# A placement touching fewer cells than 1/ADD_AT_SHARE of the (S, C) totals adds at
# those cells; a larger one sums them with a bincount over all of the totals.
ADD_AT_SHARE = 8


class GroupState:
    """Groups' splits, with per-split totals kept in step with every placement.

    The counts are sparse (`GroupCounts`); the per-split totals (S, C) are dense, since
    they are small. A placement costs O(cells of the moved groups + S).
    """

    def __init__(self, counts: GroupCounts, sizes: IntArray, n_splits: int) -> None:
        n_classes = counts.n_classes
        self.counts = counts
        self.sizes = sizes
        self.pairs = no_pairs(counts.n_groups)
        self.split = np.full(counts.n_groups, -1, dtype=SPLIT_INDEX)
        self.positives = np.zeros((n_splits, n_classes))
        self.positive_groups = np.zeros((n_splits, n_classes))
        self.pair_positives = np.zeros((n_splits, self.pairs.n_pairs))
        self.rows = np.zeros(n_splits)
        # Placements made so far: whoever derives arrays from the totals knows when to
        # derive them again.
        self.version = 0

    @property
    def n_splits(self) -> int:
        return int(self.rows.shape[0])

    @property
    def n_classes(self) -> int:
        return self.counts.n_classes

    def carriers_of(self, class_index: int) -> IntArray:
        """Groups with at least one positive row of the class, in group order."""
        return self.counts.carriers_of(class_index)

    def track_pairs(self, pairs: PairCounts) -> None:
        """Keep per-split pair rows from now on, counted once from the current splits."""
        self.pairs = pairs
        placed = np.flatnonzero(self.split >= 0)
        self.pair_positives = pairs.totals(placed, self.split[placed], self.n_splits)

    def place(self, groups: Groups, to_split: Groups | int) -> IntArray:
        """Put ``groups`` into ``to_split``, taking them out of their current split; the
        class of each of their cells (the totals changed at those classes only)."""
        if groups.size == 0:
            return np.zeros(0, dtype=np.int64)
        destination = np.asarray(to_split, dtype=SPLIT_INDEX)
        if destination.shape != groups.shape:
            destination = np.full(groups.shape, destination, dtype=SPLIT_INDEX)
        origin = self.split[groups]
        owner, cells = self.counts.entries(groups)
        self._account(groups, owner, cells, origin, destination)
        if self.pairs.n_pairs:
            # Shifted by one so that unplaced groups (-1) land in a discarded first row.
            moved = self.pairs.totals(groups, origin + 1, self.n_splits + 1)
            self.pair_positives -= moved[1:]
            self.pair_positives += self.pairs.totals(groups, destination, self.n_splits)
        self.split[groups] = destination
        self.version += 1
        classes: IntArray = self.counts.classes[cells]
        return classes

    def _account(
        self, groups: Groups, owner: IntArray, cells: IntArray, origin: Groups, destination: Groups
    ) -> None:
        """Take the cells of ``groups`` out of the totals of ``origin`` and add them to
        those of ``destination``, in one pass (a split of -1 is no split)."""
        n = groups.size
        # The groups twice: leaving their origin (-1), joining their destination (+1).
        splits = np.concatenate([origin, destination]).astype(np.int64)
        signs = np.repeat(np.array([-1, 1]), n)
        sizes = np.concatenate([self.sizes[groups], self.sizes[groups]])
        owner = np.concatenate([owner, owner + n])
        classes = self.counts.classes[cells]
        values = self.counts.values[cells]
        cell_split = splits[owner]
        counted = cell_split >= 0
        flat = (cell_split * self.n_classes + np.concatenate([classes, classes]))[counted]
        cell_signs = signs[owner][counted]
        added = cell_signs * np.concatenate([values, values])[counted]
        placed = splits >= 0
        rows, row_splits = signs[placed] * sizes[placed], splits[placed]
        # The totals are sums of whole numbers, so the order of the additions cannot show.
        if flat.size < self.positives.size // ADD_AT_SHARE:
            # A move of a few groups touches few cells: adding at them costs O(cells),
            # where a bincount costs O(S * C): at 5,000 classes that was an eighth of the split.
            np.add.at(self.positives.reshape(-1), flat, added)
            np.add.at(self.positive_groups.reshape(-1), flat, cell_signs)
            np.add.at(self.rows, row_splits, rows)
            return
        # Cells numbered split-major, summed by bincount (many times faster than
        # np.add.at over many cells).
        shape, size = self.positives.shape, self.positives.size
        self.positives += np.bincount(flat, weights=added, minlength=size).reshape(shape)
        self.positive_groups += np.bincount(flat, weights=cell_signs, minlength=size).reshape(shape)
        self.rows += np.bincount(row_splits, weights=rows, minlength=self.n_splits)


def canonical_class_order(counts: GroupCounts) -> IntArray:
    """Classes rarest first, ties broken by the column's content, never by its index."""
    totals = counts.totals
    carriers = counts.carrier_counts
    checksum = np.zeros(counts.n_classes, dtype=np.uint64)
    _, key_index, key_count = np.unique(
        np.stack([totals, carriers]), axis=1, return_inverse=True, return_counts=True
    )
    tied = key_count[key_index.ravel()] > 1
    if tied.any():
        # Only columns that tie on both keys need the content checksum. Integer arithmetic
        # (wrapping) makes it exact, so it cannot depend on where the column sits.
        probe = np.random.default_rng(CHECKSUM_SEED).integers(
            0, 2**63, size=counts.n_groups, dtype=np.uint64
        )
        cells = np.flatnonzero(tied[counts.classes])
        terms = probe[counts.owner[cells]] * counts.values[cells].astype(np.uint64)
        by_class = np.argsort(counts.classes[cells], kind="stable")
        classes = counts.classes[cells][by_class]
        new_class = np.ones(classes.size, dtype=bool)
        new_class[1:] = classes[1:] != classes[:-1]
        starts = np.flatnonzero(new_class)
        if starts.size:
            checksum[classes[starts]] = np.add.reduceat(terms[by_class], starts, dtype=np.uint64)
    return np.lexsort((checksum, carriers, totals)).astype(np.int64)
