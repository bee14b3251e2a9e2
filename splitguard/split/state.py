"""Groups, their current split, and per-split totals kept in step with every move."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.core.frame import SPLIT_INDEX
from splitguard.split.pairs import PairCounts, no_pairs

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Groups = npt.NDArray[np.integer[Any]]

# Seed of the probe vector whose dot product with a column identifies its content.
CHECKSUM_SEED = 0x5EED


class GroupState:
    """Groups' splits, with per-split totals kept in step with every placement."""

    def __init__(self, counts: npt.NDArray[np.int32], sizes: IntArray, n_splits: int) -> None:
        n_classes = counts.shape[1]
        self.counts = counts
        self.sizes = sizes
        self.pairs = no_pairs(counts.shape[0])
        self.split = np.full(counts.shape[0], -1, dtype=SPLIT_INDEX)
        self.positives = np.zeros((n_splits, n_classes))
        self.positive_groups = np.zeros((n_splits, n_classes))
        self.pair_positives = np.zeros((n_splits, self.pairs.n_pairs))
        self.rows = np.zeros(n_splits)
        classes, carriers = np.nonzero(counts.T)
        self._carriers = carriers
        self._carrier_starts = np.searchsorted(classes, np.arange(n_classes + 1))

    @property
    def n_splits(self) -> int:
        return int(self.rows.shape[0])

    def carriers_of(self, class_index: int) -> IntArray:
        """Groups with at least one positive row of the class, in group order."""
        start, stop = self._carrier_starts[class_index : class_index + 2]
        return self._carriers[start:stop]

    def track_pairs(self, pairs: PairCounts) -> None:
        """Keep per-split pair rows from now on, counted once from the current splits."""
        self.pairs = pairs
        placed = np.flatnonzero(self.split >= 0)
        self.pair_positives = pairs.totals(placed, self.split[placed], self.n_splits)

    def place(self, groups: Groups, to_split: Groups | int) -> None:
        """Put ``groups`` into ``to_split``, taking them out of their current split."""
        if groups.size == 0:
            return
        block = self.counts[groups]
        sizes = self.sizes[groups]
        destination = np.broadcast_to(np.asarray(to_split, dtype=SPLIT_INDEX), groups.shape)
        origin = self.split[groups]
        self._account(block, sizes, origin, -1)
        self._account(block, sizes, destination, 1)
        if self.pairs.n_pairs:
            # Shifted by one so that unplaced groups (-1) land in a discarded first row.
            moved = self.pairs.totals(groups, origin + 1, self.n_splits + 1)
            self.pair_positives -= moved[1:]
            self.pair_positives += self.pairs.totals(groups, destination, self.n_splits)
        self.split[groups] = destination

    def _account(
        self, block: npt.NDArray[np.int32], sizes: IntArray, splits: Groups, sign: int
    ) -> None:
        for s in range(self.n_splits):
            in_split = splits == s
            if in_split.any():
                part = block[in_split]
                self.positives[s] += sign * part.sum(axis=0, dtype=np.int64)
                self.positive_groups[s] += sign * (part > 0).sum(axis=0)
                self.rows[s] += sign * sizes[in_split].sum()


def canonical_class_order(counts: npt.NDArray[np.integer[Any]]) -> IntArray:
    """Classes rarest first, ties broken by the column's content, never by its index."""
    totals = counts.sum(axis=0, dtype=np.int64)
    carriers = (counts > 0).sum(axis=0)
    checksum = np.zeros(counts.shape[1], dtype=np.uint64)
    _, key_index, key_count = np.unique(
        np.stack([totals, carriers]), axis=1, return_inverse=True, return_counts=True
    )
    tied = np.flatnonzero(key_count[key_index.ravel()] > 1)
    if tied.size:
        # Only columns that tie on both keys need the content checksum. Integer arithmetic
        # (wrapping) makes it exact, so it cannot depend on where the column sits.
        probe = np.random.default_rng(CHECKSUM_SEED).integers(
            0, 2**63, size=counts.shape[0], dtype=np.uint64
        )
        for c in tied:
            checksum[c] = (probe * counts[:, c].astype(np.uint64)).sum(dtype=np.uint64)
    return np.lexsort((checksum, carriers, totals)).astype(np.int64)


def canonical_counts(
    counts: npt.NDArray[np.integer[Any]], order: IntArray
) -> npt.NDArray[np.int32]:
    """The counts as C-contiguous int32 with columns in canonical order (one copy)."""
    return np.take(counts, order, axis=1).astype(np.int32, copy=False)
