"""How well a row-level split matches its request: stratification, sizes, leaks, coverage.

Notation (Sechidis et al. 2011): ``D`` is the data set of ``|D|`` rows, ``S_i`` the rows
of split ``i`` (``k`` splits) requested at fraction ``r_i``; ``D^j`` and ``S_i^j`` are the
rows positive for label ``j`` (``q`` labels). Every function takes ``labels`` (N, q) 0/1
and ``split`` (N,) with values in ``0 .. k-1``; all are vectorised numpy. ``labels`` may
also be a `LabelRows` or a scipy.sparse matrix: only its positives are then read, those
of a `LabelRows` without importing scipy.

References: K. Sechidis, G. Tsoumakas, I. Vlahavas, "On the stratification of multi-label
data", ECML PKDD 2011 (LD, ED); P. Szymanski, T. Kajdanowicz, "A network perspective on
stratification of multi-label data", LIDTA 2017 (LPD, and FLZ: split and label pair cells
without a positive row; counted here for single labels too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.core.arrays import sorted_unique
from splitguard.core.labels import LabelRows

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
# A scipy.sparse matrix is accepted too (scipy is untyped: it passes as ArrayLike).
Labels = npt.ArrayLike | LabelRows

# Pair counts use float32 products, exact while a chunk has fewer than 2**24 rows.
PAIR_CHUNK_ROWS = 1 << 20


@dataclass(frozen=True, slots=True)
class SplitQuality:
    """All the metrics of one split assignment (see the functions for definitions)."""

    label_distribution: float
    label_pair_distribution: float
    example_distribution: float
    worst_relative_deviation: float
    leaked_groups: int
    min_positives_by_split: tuple[int, ...]


def positives_by_split(labels: Labels, split: npt.ArrayLike, n_splits: int) -> IntArray:
    """``|S_i^j|``: positive rows of every label in every split, shape (k, q)."""
    if hasattr(labels, "nnz"):
        from splitguard.split.counts import label_cells

        sparse: Any = labels
        rows, columns = label_cells(sparse)
        n_labels = int(sparse.shape[1])
        where = _as_split(split, int(sparse.shape[0]), n_splits)
        flat = where[rows] * n_labels + columns
        counts = np.bincount(flat, minlength=n_splits * n_labels)
        return counts.astype(np.int64).reshape(n_splits, n_labels)
    matrix = _as_labels(labels)
    where = _as_split(split, matrix.shape[0], n_splits)
    return np.stack(
        [matrix[where == i].sum(axis=0, dtype=np.int64) for i in range(n_splits)]
    ).reshape(n_splits, matrix.shape[1])


def label_distribution(labels: Labels, split: npt.ArrayLike, n_splits: int) -> float:
    """LD (Sechidis et al. 2011), lower is better.

    ``LD = 1/q sum_j 1/k sum_i | |S_i^j| / (|S_i| - |S_i^j|) - |D^j| / (|D| - |D^j|) |``,
    the mean gap between each split's and the whole set's positive-to-negative ratio.
    A denominator of 0 (every row positive) is taken as 1.
    """
    where = _as_split(split, None, n_splits)
    sizes = np.bincount(where, minlength=n_splits)
    return ratio_gap(positives_by_split(labels, where, n_splits), sizes)


def pairs_by_split(labels: Labels, split: npt.ArrayLike, n_splits: int) -> IntArray:
    """``|S_i^{jl}|``: rows of every split positive for both ``j`` and ``l``, shape
    (k, pairs), over the pairs ``j < l`` positive together in at least one row of ``D``,
    in the order of ``np.triu_indices``."""
    if hasattr(labels, "nnz"):
        where = _as_split(split, int(labels.shape[0]), n_splits)  # type: ignore[union-attr]
        return _sparse_pair_counts(labels, where, n_splits)
    matrix = _as_labels(labels)
    where = _as_split(split, matrix.shape[0], n_splits)
    upper = np.triu_indices(matrix.shape[1], k=1)
    per_pair = _pair_counts(matrix, where, n_splits)[:, upper[0], upper[1]]
    return per_pair[:, per_pair.sum(axis=0) > 0]


def label_pair_distribution(labels: Labels, split: npt.ArrayLike, n_splits: int) -> float:
    """LPD (Szymanski & Kajdanowicz 2017), lower is better.

    LD computed over label pairs instead of labels: ``S_i^{jl}`` are the rows of split
    ``i`` positive for both ``j`` and ``l`` (``j < l``), averaged over the pairs that occur
    in ``D`` at least once. 0.0 when no pair occurs.
    """
    where = _as_split(split, None, n_splits)
    sizes = np.bincount(where, minlength=n_splits)
    return ratio_gap(pairs_by_split(labels, where, n_splits), sizes)


def zero_positive_cells(labels: Labels, split: npt.ArrayLike, n_splits: int) -> int:
    """Cells (split ``i``, label ``j``) with ``|S_i^j| = 0``, over labels positive in ``D``."""
    positives = positives_by_split(labels, split, n_splits)
    return int((positives[:, positives.sum(axis=0) > 0] == 0).sum())


def zero_positive_pair_cells(labels: Labels, split: npt.ArrayLike, n_splits: int) -> int:
    """FLZ (Szymanski & Kajdanowicz 2017): cells (split ``i``, label pair ``jl``) with
    ``|S_i^{jl}| = 0``, over the pairs positive together in at least one row of ``D``."""
    return int((pairs_by_split(labels, split, n_splits) == 0).sum())


def example_distribution(split: npt.ArrayLike, fractions: Sequence[float]) -> float:
    """ED (Sechidis et al. 2011): ``1/k sum_i | |S_i| - r_i |D| |``, in rows."""
    requested = np.asarray(fractions, dtype=np.float64)
    where = _as_split(split, None, requested.size)
    return size_gap(np.bincount(where, minlength=requested.size), requested)


def size_gap(sizes: npt.NDArray[np.integer[Any]], requested: npt.NDArray[np.float64]) -> float:
    """ED from the rows of each split, (k,), and the requested fractions."""
    return float(np.abs(sizes - requested * sizes.sum()).mean())


def worst_relative_deviation(
    labels: Labels,
    split: npt.ArrayLike,
    fractions: Sequence[float],
    *,
    min_class_positives: int = 0,
) -> float:
    """``max_{i,j} | |S_i^j| - r_i |D^j| | / (r_i |D^j|)`` over labels with at least
    ``min_class_positives`` positives and splits with ``r_i > 0``; 0.0 if none qualify.
    """
    requested = np.asarray(fractions, dtype=np.float64)
    positives = positives_by_split(labels, split, requested.size)
    return deviation_of(positives, requested, min_class_positives=min_class_positives)


def deviation_of(
    positives: npt.NDArray[np.integer[Any]],
    requested: npt.NDArray[np.float64],
    *,
    min_class_positives: int = 0,
) -> float:
    """`worst_relative_deviation` from the positive rows per split and label, (k, q)."""
    totals = positives.sum(axis=0)
    targets = requested[:, None] * totals[None, :]
    counted = (totals >= max(min_class_positives, 1))[None, :] & (requested > 0)[:, None]
    if not counted.any():
        return 0.0
    return float((np.abs(positives - targets)[counted] / targets[counted]).max())


def leaked_groups(groups: npt.ArrayLike, split: npt.ArrayLike) -> int:
    """Number of groups with rows in more than one split."""
    _, group_index = np.unique(np.asarray(groups), return_inverse=True)
    where = np.asarray(split, dtype=np.int64).ravel()
    n_splits = int(where.max(initial=-1)) + 1
    pairs = sorted_unique(group_index.ravel().astype(np.int64) * max(n_splits, 1) + where)
    splits_per_group = np.bincount(pairs // max(n_splits, 1))
    return int((splits_per_group > 1).sum())


def evaluate(
    labels: Labels,
    split: npt.ArrayLike,
    fractions: Sequence[float],
    *,
    groups: npt.ArrayLike | None = None,
    min_class_positives: int = 0,
) -> SplitQuality:
    """Every metric of this module for one assignment; ``leaked_groups`` is 0 without groups."""
    # Sparse labels (`LabelRows`, scipy.sparse) stay sparse: every metric below reads only
    # their positives.
    matrix = labels if hasattr(labels, "nnz") else _as_labels(labels)
    n_splits = len(fractions)
    where = _as_split(split, int(matrix.shape[0]), n_splits)  # type: ignore[union-attr]
    positives = positives_by_split(matrix, where, n_splits)
    return SplitQuality(
        label_distribution=label_distribution(matrix, where, n_splits),
        label_pair_distribution=label_pair_distribution(matrix, where, n_splits),
        example_distribution=example_distribution(where, fractions),
        worst_relative_deviation=worst_relative_deviation(
            matrix, where, fractions, min_class_positives=min_class_positives
        ),
        leaked_groups=0 if groups is None else leaked_groups(groups, where),
        min_positives_by_split=tuple(
            int(v) for v in (positives.min(axis=1) if positives.shape[1] else np.zeros(n_splits))
        ),
    )


def ratio_gap(positives: npt.NDArray[np.integer[Any]], sizes: IntArray) -> float:
    """Mean over columns and splits of the gap in positive-to-negative ratio."""
    if positives.shape[1] == 0:
        return 0.0
    totals = positives.sum(axis=0)
    whole = totals / np.maximum(sizes.sum() - totals, 1)
    per_split = positives / np.maximum(sizes[:, None] - positives, 1)
    return float(np.abs(per_split - whole[None, :]).mean())


def _pair_counts(matrix: npt.NDArray[np.bool_], where: IntArray, n_splits: int) -> IntArray:
    """Rows positive for both labels, per split: shape (k, q, q)."""
    n_labels = matrix.shape[1]
    pairs = np.zeros((n_splits, n_labels, n_labels), dtype=np.int64)
    for start in range(0, matrix.shape[0], PAIR_CHUNK_ROWS):
        chunk = matrix[start : start + PAIR_CHUNK_ROWS].astype(np.float32)
        chunk_split = where[start : start + PAIR_CHUNK_ROWS]
        for i in range(n_splits):
            part = chunk[chunk_split == i]
            pairs[i] += (part.T @ part).astype(np.int64)
    return pairs


def _sparse_pair_counts(labels: Any, where: IntArray, n_splits: int) -> IntArray:
    """Rows positive for both labels, per split, (k, pairs): the pairs ``j < l`` positive
    together in some row, in the order of ``np.triu_indices`` (as the dense path).

    Counted from the positives' (j, l) occurrences in each row, chunk by chunk of rows
    (`count_pair_rows`), with numpy only: ``sum_rows k (k - 1) / 2`` occurrences for rows
    of ``k`` labels, a few million on a tagging table of 1M rows.
    """
    from splitguard.split.counts import label_cells
    from splitguard.split.pairs import count_pair_rows

    n_rows, n_labels = (int(n) for n in labels.shape)
    rows, columns = label_cells(labels)
    keys, counts = count_pair_rows(rows, columns, where, n_rows, n_labels)
    split, pair = np.divmod(keys, max(n_labels, 1) ** 2)
    present = sorted_unique(pair)
    # Column-major, as the dense path's fancy index leaves it: the mean then adds the
    # same numbers in the same order, to the same last bit.
    per_pair = np.zeros((n_splits, present.size), dtype=np.int64, order="F")
    per_pair[split, np.searchsorted(present, pair)] = counts
    return per_pair


def _as_labels(labels: Labels) -> npt.NDArray[np.bool_]:
    matrix = np.asarray(labels)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2:
        raise ValueError(f"labels must be 2-D (rows x labels), got shape {matrix.shape}")
    return matrix.astype(bool, copy=False)


def _as_split(split: npt.ArrayLike, n_rows: int | None, n_splits: int) -> IntArray:
    where = np.asarray(split).astype(np.int64, copy=False).ravel()
    if n_rows is not None and where.size != n_rows:
        raise ValueError(f"split must have one value per row ({n_rows}), got {where.size}")
    if where.size and (where.min() < 0 or where.max() >= n_splits):
        raise ValueError(
            f"split values must lie in 0..{n_splits - 1}, got {where.min()}..{where.max()}"
        )
    return where
