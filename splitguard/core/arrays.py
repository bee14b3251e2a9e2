"""Array helpers numpy lacks or makes slow."""

from __future__ import annotations

import numpy as np


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
