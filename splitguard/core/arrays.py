"""Array helpers numpy lacks or makes slow."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array, as `np.unique(values)` gives them.

    A sort and a comparison: a bare `np.unique` hashes first in numpy >= 2.3, which took
    1.1 s on a million int64 codes on a 2-core machine, where sorting them takes 0.02 s.
    """
    ordered = np.sort(np.asarray(values).ravel())
    if ordered.size < 2:
        return ordered
    first = np.empty(ordered.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def smallest(values: np.ndarray, k: int) -> npt.NDArray[np.intp]:
    """Indices of the ``k`` smallest of ``values``, smallest first, ties by index (NaN last).

    The same on every machine, unlike ``np.argpartition``: which of several equal values
    it keeps, and in what order, depends on the CPU (numpy sorts with AVX2 or AVX-512
    where it finds them), and so would a split.
    """
    values = np.asarray(values)
    kept = np.arange(values.size)
    if values.size > k > 0:
        cut = np.partition(values, k - 1)[k - 1]
        if not np.isnan(cut):
            kept = np.flatnonzero(values <= cut)
    return kept[np.argsort(values[kept], kind="stable")][: max(k, 0)]


def spans(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position of the ranges ``starts[i] .. starts[i] + lengths[i] - 1``, range by
    range, with the range ``i`` it belongs to: the cells of some CSR rows.

    Array methods, not the np.* functions: the splitter calls this on a few rows
    thousands of times, where the functions' dispatch cost more than the work.
    """
    ends = lengths.cumsum()
    owner = np.arange(lengths.size).repeat(lengths)
    # Position k of the result is k, plus its range's start, minus the positions before it.
    shift = (starts - ends + lengths).repeat(lengths)
    return owner, np.arange(shift.size) + shift


def equal_pairs(
    keys: np.ndarray, ordered: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with ``keys[i] == other[j]``, by i then j, for another array ``other``
    given sorted: ``order`` sorts it stably and ``ordered`` is ``other[order]`` (so a side
    joined several times sorts once)."""
    low = np.searchsorted(ordered, keys, side="left")
    i, at = spans(low, np.searchsorted(ordered, keys, side="right") - low)
    return i, order[at]
