"""Which keys (groups, ids, files) appear in which splits: one bincount over pairs."""

from __future__ import annotations

from itertools import combinations

import numpy as np


def rows_by_key_and_split(
    keys: np.ndarray, splits: np.ndarray, n_keys: int, n_splits: int
) -> np.ndarray:
    """(K, S) rows per key and split; keys < 0 (null) are left out."""
    valid = keys >= 0
    flat = keys[valid] * n_splits + splits[valid]
    return np.bincount(flat, minlength=n_keys * n_splits).reshape(n_keys, n_splits)


def pair_counts(presence: np.ndarray, split_names: tuple[str, ...]) -> str:
    """'train & test 812, val & test 97': keys present in both splits of each pair."""
    parts = []
    for a, b in combinations(range(len(split_names)), 2):
        both = int(np.count_nonzero(presence[:, a] & presence[:, b]))
        if both:
            parts.append(f"{split_names[a]} & {split_names[b]} {both:,}")
    return ", ".join(parts)
