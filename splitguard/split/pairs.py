"""Label pairs that co-occur in rows, counted per group, for second-order stratification.

Szymanski & Kajdanowicz (2017) stratify on label pairs as well as labels: a split should
hold its share of the rows positive for both ``j`` and ``l``, not only of each label.
Only pairs worth balancing are kept: those positive in at least `MIN_PAIR_GROUPS`
groups, at most `MAX_PAIRS` of them (the most widespread), so the cost grows with the
pairs present in the rows, never with classes squared.

The counts are sparse by group (CSR: ``indptr``, ``pair``, ``count``): most groups carry
no pair, and a dense (groups x pairs) matrix would dwarf the class counts on large tables.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.core.arrays import spans

IntArray = npt.NDArray[np.int64]

# A pair positive in fewer groups cannot be spread over the splits in any useful way.
MIN_PAIR_GROUPS = 10
# The refinement scores a dense (batch x pairs) block each round; this keeps it small.
MAX_PAIRS = 256
# Rows are read in chunks so that the pair occurrences of one chunk stay small in memory.
PAIR_CHUNK_ROWS = 1 << 18
# Groups whose pair rows are summed at once (`PairCounts.totals`).
TOTALS_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class PairCounts:
    """Rows positive for both classes of each selected pair, per group (sparse).

    ``classes`` (P, 2) holds each pair's class columns (first < second); the entries of
    group ``g`` are ``pair[indptr[g]:indptr[g + 1]]`` with their row counts in ``count``,
    in pair order.
    """

    classes: IntArray
    indptr: IntArray
    pair: IntArray
    count: IntArray

    @property
    def n_pairs(self) -> int:
        return int(self.classes.shape[0])

    @property
    def n_groups(self) -> int:
        return int(self.indptr.size - 1)

    def block(self, groups: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.float64]:
        """Dense counts of ``groups``, shape (len(groups), P)."""
        dense = np.zeros((groups.size, self.n_pairs))
        owner, entries = self.entries(groups)
        dense[owner, self.pair[entries]] = self.count[entries]
        return dense

    def totals(
        self, groups: npt.NDArray[np.integer[Any]], splits: npt.NDArray[np.integer[Any]], n: int
    ) -> npt.NDArray[np.float64]:
        """Pair rows of ``groups`` summed by their ``splits`` (values 0..n-1), shape (n, P).

        Summed `TOTALS_CHUNK` groups at a time: every group at once (the totals of a
        whole assignment) would hold five arrays the size of the entries. The sums are of
        whole numbers, exact in float64 in any order.
        """
        summed = np.zeros(n * self.n_pairs)
        for start in range(0, len(groups), TOTALS_CHUNK):
            owner, entries = self.entries(groups[start : start + TOTALS_CHUNK])
            chunk_splits = splits[start : start + TOTALS_CHUNK]
            flat = chunk_splits[owner].astype(np.int64) * self.n_pairs + self.pair[entries]
            summed += np.bincount(flat, weights=self.count[entries], minlength=n * self.n_pairs)
        return summed.reshape(n, self.n_pairs)

    def in_class_order(self, order: IntArray) -> PairCounts:
        """The same counts with classes renumbered to ``order`` (new column -> old column).

        Pairs are sorted by their renumbered classes, and each group's entries by their
        new pair, so the result depends on the columns' content and canonical order only,
        never on where the columns sat in the input: the refinement sums floats over a
        group's entries in their order, and a last-bit difference can break a tie.
        """
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        renamed = np.sort(rank[self.classes], axis=1)
        columns = np.lexsort((renamed[:, 1], renamed[:, 0]))
        new_index = np.empty_like(columns)
        new_index[columns] = np.arange(columns.size)
        pair = new_index[self.pair]
        # A group has one entry per pair, so (group, pair) is unique: one integer sort
        # gives lexsort's order, several times faster. The key is made in place: on a
        # large table each array the size of the entries is hundreds of MB.
        key = np.repeat(np.arange(self.n_groups), np.diff(self.indptr))
        key *= max(self.n_pairs, 1)
        key += pair
        entries = np.argsort(key)
        del key
        return PairCounts(renamed[columns], self.indptr, pair[entries], self.count[entries])

    def entries(self, groups: npt.NDArray[np.integer[Any]]) -> tuple[IntArray, IntArray]:
        """For every entry of ``groups``: its position in ``groups`` and in the CSR arrays."""
        starts = self.indptr[groups]
        return spans(starts, self.indptr[groups + 1] - starts)


def no_pairs(n_groups: int) -> PairCounts:
    """Counts with no pair: second-order terms vanish."""
    empty = np.zeros(0, dtype=np.int64)
    return PairCounts(
        np.zeros((0, 2), dtype=np.int64), np.zeros(n_groups + 1, np.int64), empty, empty
    )


def label_pairs(labels: Any, group_index: npt.ArrayLike, n_groups: int) -> PairCounts:
    """The pairs worth balancing and their rows per group.

    Parameters
    ----------
    labels : `LabelRows`, array of shape (N, C), 0/1 or bool, or a scipy.sparse matrix
        Row labels; a nonzero entry is a positive.
    group_index : array of shape (N,), integers in ``0 .. n_groups - 1``
        The group of every row.
    n_groups : int
        Number of groups.

    Notes
    -----
    A pair is kept if it is positive in at least `MIN_PAIR_GROUPS` groups; of those, the
    `MAX_PAIRS` positive in the most groups (pairs tied with the last one kept are kept
    only if all of them fit, so the choice never depends on the column order). Time is
    linear in the pair occurrences ``sum_rows k (k - 1) / 2`` for rows of ``k`` labels.
    """
    from splitguard.split.counts import label_cells

    where = np.asarray(group_index).astype(np.int64, copy=False).ravel()
    shape = labels.shape if hasattr(labels, "shape") else np.shape(labels)
    n_classes = shape[1] if len(shape) == 2 else 0
    if n_classes < 2 or shape[0] == 0:
        return no_pairs(n_groups)
    rows, columns = label_cells(labels)
    keys, counts = count_pair_rows(rows, columns, where, shape[0], n_classes)
    return _select(keys, counts, n_classes, n_groups)


def count_pair_rows(
    rows: IntArray, columns: IntArray, owner: IntArray, n_rows: int, n_classes: int
) -> tuple[IntArray, IntArray]:
    """Rows positive for both ``j < l``, per owner: the sorted distinct keys
    ``owner * C^2 + j * C + l`` and their row counts.

    ``rows`` and ``columns`` are the positives of ``n_rows`` rows, by row then column
    (`label_cells`); ``owner`` (N,) is each row's group (or split). The occurrences are
    made `PAIR_CHUNK_ROWS` rows at a time.
    """
    bounds = np.searchsorted(rows, np.arange(0, n_rows + PAIR_CHUNK_ROWS, PAIR_CHUNK_ROWS))
    keys, counts = np.unique(
        np.concatenate(
            [
                np.zeros(0, dtype=np.int64),
                *(
                    _occurrences(rows[start:stop], columns[start:stop], owner, n_classes)
                    for start, stop in itertools.pairwise(bounds)
                ),
            ]
        ),
        return_counts=True,
    )
    return keys, counts


def _occurrences(rows: IntArray, columns: IntArray, groups: IntArray, n_classes: int) -> IntArray:
    """One key ``group * C^2 + j * C + l`` per row positive for ``j < l``.

    ``rows`` and ``columns`` are the positives of some rows, by row then column.
    """
    new_row = np.ones(rows.size, dtype=bool)
    new_row[1:] = rows[1:] != rows[:-1]
    first_of_row = np.flatnonzero(new_row)
    per_row = np.diff(np.append(first_of_row, rows.size))
    row_of_cell = np.cumsum(new_row) - 1
    # Entry t of a row with k labels pairs with the k - 1 - t entries after it.
    partners = per_row[row_of_cell] - 1 - (np.arange(rows.size) - first_of_row[row_of_cell])
    first, second = spans(np.arange(1, rows.size + 1), partners)
    code = columns[first].astype(np.int64) * n_classes + columns[second]
    keys: IntArray = groups[rows[first]] * (n_classes * n_classes) + code
    return keys


def _select(keys: IntArray, rows: IntArray, n_classes: int, n_groups: int) -> PairCounts:
    """Keep the widespread pairs; build their CSR counts (keys are sorted by group)."""
    square = n_classes * n_classes
    group, code = np.divmod(keys, square)
    codes, groups_per_pair = np.unique(code, return_counts=True)
    eligible = groups_per_pair >= MIN_PAIR_GROUPS
    if eligible.sum() > MAX_PAIRS:
        cut = np.sort(groups_per_pair[eligible])[::-1]
        last = cut[MAX_PAIRS - 1]
        eligible &= groups_per_pair > last if cut[MAX_PAIRS] == last else groups_per_pair >= last
    kept = codes[eligible]
    column = np.searchsorted(kept, code)
    inside = column < kept.size
    inside[inside] = kept[column[inside]] == code[inside]
    indptr = np.searchsorted(group[inside], np.arange(n_groups + 1))
    classes = np.stack(np.divmod(kept, n_classes), axis=1)
    return PairCounts(classes, indptr.astype(np.int64), column[inside], rows[inside])


def validate_pairs(pairs: PairCounts, shape: tuple[int, ...], order: IntArray) -> PairCounts:
    """Check ``pairs`` against the (G, C) counts; return them in canonical class order."""
    n_groups, n_classes = shape
    if pairs.n_groups != n_groups:
        raise ValueError(f"pairs must describe {n_groups} groups, got {pairs.n_groups}")
    if pairs.n_pairs and (pairs.classes.min() < 0 or pairs.classes.max() >= n_classes):
        raise ValueError(
            f"pairs name classes {pairs.classes.min()}..{pairs.classes.max()}, "
            f"outside 0..{n_classes - 1}"
        )
    return pairs.in_class_order(order)
