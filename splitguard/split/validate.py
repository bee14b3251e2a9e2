"""Checks of a splitting request; each error repeats the offending value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.core.frame import SPLIT_INDEX
from splitguard.split.counts import GroupCounts, from_cells
from splitguard.split.state import FloatArray, Groups, IntArray

FRACTION_TOLERANCE = 1e-6
MAX_SPLITS = int(np.iinfo(SPLIT_INDEX).max)


def validate_counts(
    group_label_counts: Any, group_sizes: npt.ArrayLike
) -> tuple[GroupCounts, IntArray]:
    """Check the counts (dense (G, C), scipy.sparse or `GroupCounts`) and group sizes;
    return them as sparse counts and integer sizes."""
    if isinstance(group_label_counts, GroupCounts):
        counts = group_label_counts
    else:
        # Imported only here: the command line passes `GroupCounts` and never loads scipy.
        import scipy.sparse as sp

        if sp.issparse(group_label_counts):
            counts = _sparse_counts(group_label_counts)
        else:
            counts = _dense_counts(group_label_counts)
    sizes = np.asarray(group_sizes)
    if sizes.shape != (counts.n_groups,) or not np.issubdtype(sizes.dtype, np.integer):
        raise ValueError(
            f"group_sizes must be {counts.n_groups} integers (one per group), "
            f"got shape {sizes.shape} and dtype {sizes.dtype}"
        )
    if sizes.size and sizes.min() < 1:
        bad = int(np.argmin(sizes))
        raise ValueError(f"group_sizes must be >= 1, got {sizes[bad]} for group {bad}")
    if counts.nnz and counts.values.min() < 0:
        cell = int(np.argmin(counts.values))
        raise ValueError(
            f"group_label_counts must be >= 0, got {counts.values[cell]} "
            f"for group {counts.owner[cell]}, class {counts.classes[cell]}"
        )
    over = np.flatnonzero(counts.values > sizes[counts.owner])
    if over.size:
        cell = int(over[0])
        group = int(counts.owner[cell])
        raise ValueError(
            f"group {group} has {counts.values[cell]} positives of class "
            f"{counts.classes[cell]} but only {sizes[group]} rows"
        )
    return counts, sizes.astype(np.int64)


def _dense_counts(group_label_counts: npt.ArrayLike) -> GroupCounts:
    counts = np.asarray(group_label_counts)
    if counts.ndim != 2:
        raise ValueError(f"group_label_counts must be 2-D (groups x classes), got {counts.shape}")
    if counts.dtype == np.bool_:
        counts = counts.astype(np.int32)
    if not np.issubdtype(counts.dtype, np.integer):
        raise ValueError(f"group_label_counts must be integers, got dtype {counts.dtype}")
    groups, classes = np.nonzero(counts)
    return from_cells(groups, classes, counts[groups, classes], counts.shape)


def _sparse_counts(group_label_counts: Any) -> GroupCounts:
    import scipy.sparse as sp

    matrix = sp.coo_matrix(group_label_counts)
    if matrix.dtype == np.bool_:
        matrix = matrix.astype(np.int32)
    if not np.issubdtype(matrix.dtype, np.integer):
        raise ValueError(f"group_label_counts must be integers, got dtype {matrix.dtype}")
    return from_cells(
        matrix.row.astype(np.int64), matrix.col.astype(np.int64), matrix.data, matrix.shape
    )


def validate_fractions(fractions: Sequence[float]) -> FloatArray:
    """Check that the fractions are non-negative and sum to 1; return them as floats."""
    shares = np.asarray(fractions, dtype=np.float64)
    if shares.ndim != 1 or not 1 <= shares.size <= MAX_SPLITS:
        raise ValueError(f"fractions must be 1 to {MAX_SPLITS} numbers, got {list(fractions)}")
    if not np.isfinite(shares).all() or (shares < 0).any():
        raise ValueError(f"fractions must be non-negative, got {shares.tolist()}")
    if abs(shares.sum() - 1.0) > FRACTION_TOLERANCE:
        raise ValueError(
            f"fractions must sum to 1 (within {FRACTION_TOLERANCE}), "
            f"got {shares.tolist()} summing to {shares.sum():.6g}"
        )
    return shares


def checked_minimum(
    name: str,
    values: npt.ArrayLike | None,
    n_splits: int,
    *,
    integer: bool,
    n_classes: int | None = None,
) -> FloatArray:
    """Check one per-split minimum; zeros if absent.

    One non-negative value per split (S,), or, where ``n_classes`` is given, one per
    split and class (S, C).
    """
    if values is None:
        return np.zeros(n_splits)
    array = np.asarray(values, dtype=np.float64)
    shapes = [(n_splits,)] if n_classes is None else [(n_splits,), (n_splits, n_classes)]
    if array.shape not in shapes:
        raise ValueError(
            f"{name} must have one value per split ({n_splits})"
            + ("" if n_classes is None else f" or per split and class ({n_splits}, {n_classes})")
            + f", got {np.asarray(values).tolist()}"
        )
    if not np.isfinite(array).all() or (array < 0).any():
        raise ValueError(f"{name} must be non-negative, got {np.asarray(values).tolist()}")
    if integer and (array != np.floor(array)).any():
        raise ValueError(f"{name} must be whole numbers, got {np.asarray(values).tolist()}")
    return array


def validate_train(train: int | None, n_splits: int, train_floor: float) -> None:
    """Check the training split's index and its floor (a share of every class)."""
    if train is not None and (
        isinstance(train, bool)
        or not isinstance(train, int | np.integer)
        or not 0 <= train < n_splits
    ):
        raise ValueError(f"train must be None or a split index below {n_splits}, got {train!r}")
    if not 0 <= train_floor <= 1:
        raise ValueError(f"train_floor must be from 0 to 1, got {train_floor!r}")


def validate_fixed(fixed: npt.ArrayLike | None, n_groups: int, n_splits: int) -> Groups:
    if fixed is None:
        return np.full(n_groups, -1, dtype=SPLIT_INDEX)
    array = np.asarray(fixed)
    if array.shape != (n_groups,) or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"fixed must be {n_groups} integers (one per group), "
            f"got shape {array.shape} and dtype {array.dtype}"
        )
    outside = np.flatnonzero((array < -1) | (array >= n_splits))
    if outside.size:
        raise ValueError(
            f"fixed must be -1 or a split index below {n_splits}, "
            f"got {array[outside[0]]} for group {outside[0]}"
        )
    return array.astype(SPLIT_INDEX)
