"""Which keys (groups, ids, files) appear in which splits: one bincount over pairs."""

from __future__ import annotations

import numpy as np

# Pairs of splits a leakage message names; the rest are counted.
PAIRS_SHOWN = 6


def rows_by_key_and_split(
    keys: np.ndarray, splits: np.ndarray, n_keys: int, n_splits: int
) -> np.ndarray:
    """(K, S) rows per key and split; keys < 0 (null) are left out."""
    valid = keys >= 0
    flat = keys[valid] * n_splits + splits[valid]
    return np.bincount(flat, minlength=n_keys * n_splits).reshape(n_keys, n_splits)


def pair_counts(presence: np.ndarray, split_names: tuple[str, ...]) -> str:
    """'train & test 812, val & test 97': keys present in both splits of each pair.

    Pairs are found per key (each key's splits, in order), not over every pair of
    splits, so hundreds of splits cost no more than three; past `PAIRS_SHOWN` pairs
    the largest are named and the rest counted.
    """
    n_splits = len(split_names)
    keys, splits = np.nonzero(presence)  # by key, then by split
    codes = []
    for step in range(1, n_splits):
        same = keys[step:] == keys[:-step]
        if not same.any():
            break  # no key is in more than `step` splits
        codes.append(splits[:-step][same] * n_splits + splits[step:][same])
    pairs, counts = np.unique(np.concatenate(codes) if codes else keys[:0], return_counts=True)
    shown = np.arange(len(pairs))
    if len(pairs) > PAIRS_SHOWN:
        shown = np.sort(np.argsort(-counts, kind="stable")[:PAIRS_SHOWN])
    parts = [
        f"{split_names[pairs[i] // n_splits]} & {split_names[pairs[i] % n_splits]} {counts[i]:,}"
        for i in shown
    ]
    if len(pairs) > len(shown):
        parts.append(f"and {len(pairs) - len(shown):,} more pairs")
    return ", ".join(parts)
