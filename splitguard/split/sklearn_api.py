"""scikit-learn-shaped splitters over `splitguard.split.stratify` (no scikit-learn import).

Both classes follow ``sklearn.model_selection``: a keyword-only ``__init__`` that only
stores parameters (checked when ``split`` runs), ``split(X, y, groups)`` yielding index
arrays, and ``get_n_splits``. They work wherever scikit-learn accepts a ``cv`` object,
e.g. ``cross_validate(model, X, y, groups=groups, cv=MultilabelStratifiedGroupKFold())``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.split.stratify import Assignment, assign_folds, assign_groups

IntArray = npt.NDArray[np.int64]


class CoverageWarning(UserWarning):
    """A requested minimum could not be met; the split is usable but weaker than asked."""


class MultilabelStratifiedGroupSplit:
    """One leak-free split into train/val/test (or any number of parts).

    Groups (e.g. patients) go whole to one part; every label's positive rows and every
    part's row count are kept close to the requested fractions; minimum per-label
    coverage is met first.

    Parameters
    ----------
    fractions : sequence of float, default=(0.8, 0.1, 0.1)
        Share of rows per part, non-negative and summing to 1.
    min_positives : sequence of int, optional
        Per part, the minimum positive rows of every label.
    min_positive_groups : sequence of int, optional
        Per part, the minimum number of groups with a positive row, for every label.
    min_prevalence : sequence of float, optional
        Per part, the minimum share of its rows that every label must make up, where the
        data allow it.
    seed : int, default=0
        Seed of every random choice.

    Notes
    -----
    ``split`` yields exactly once (``get_n_splits`` is 1) a tuple with one index array per
    part, in the order of ``fractions``: ``train, val, test = next(s.split(X, y, groups))``.
    With two fractions the tuple is ``(train, test)``, so the object also serves as a
    single-split ``cv``. Invariants: every row index appears in exactly one array; all
    rows of a group are in the same array; the same data and seed give the same arrays;
    permuting the label columns does not change them. Groups are ordered by their sorted
    unique keys (``np.unique``), so row order within a group does not matter. A minimum
    that the data cannot meet raises a `CoverageWarning` naming label, part and numbers.
    """

    def __init__(
        self,
        *,
        fractions: Sequence[float] = (0.8, 0.1, 0.1),
        min_positives: Sequence[int] | None = None,
        min_positive_groups: Sequence[int] | None = None,
        min_prevalence: Sequence[float] | None = None,
        seed: int = 0,
    ) -> None:
        self.fractions = fractions
        self.min_positives = min_positives
        self.min_positive_groups = min_positive_groups
        self.min_prevalence = min_prevalence
        self.seed = seed

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of splitting iterations: always 1."""
        return 1

    def split(
        self,
        X: Any,
        y: npt.ArrayLike,
        groups: npt.ArrayLike | None = None,
    ) -> Iterator[tuple[IntArray, ...]]:
        """Yield once a tuple of row indices, one array per part of ``fractions``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its length is used.
        y : array-like of shape (n_samples, n_labels)
            Multi-label indicator matrix of 0/1 (or booleans).
        groups : array-like of shape (n_samples,)
            Group key of every row; required.
        """
        label_counts, sizes, group_index = group_counts(X, y, groups)
        assignment = assign_groups(
            label_counts,
            sizes,
            self.fractions,
            min_positives=self.min_positives,
            min_positive_groups=self.min_positive_groups,
            min_prevalence=self.min_prevalence,
            seed=self.seed,
        )
        _warn_shortfalls(assignment)
        row_split = assignment.group_split[group_index]
        yield tuple(np.flatnonzero(row_split == s) for s in range(len(self.fractions)))

    def __repr__(self) -> str:
        return _repr(
            self, ("fractions", "min_positives", "min_positive_groups", "min_prevalence", "seed")
        )


class MultilabelStratifiedGroupKFold:
    """K folds without shared groups, stratified on every label.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    min_positives : int, default=0
        Minimum positive rows of every label in every fold (each fold is a test set once).
    min_positive_groups : int, default=0
        Minimum groups with a positive row, for every label, in every fold.
    seed : int, default=0
        Seed of every random choice.

    Notes
    -----
    ``split`` yields ``n_splits`` pairs ``(train, test)``. Invariants: the test arrays
    partition the rows (every row is tested exactly once); train is the complement of
    test; all rows of a group are in the same fold; the same data and seed give the same
    folds; permuting the label columns does not change them. Fold sizes and each label's
    positives per fold are kept close to ``1 / n_splits`` of the total. A minimum the data
    cannot meet raises a `CoverageWarning`.
    """

    def __init__(
        self,
        n_splits: int = 5,
        *,
        min_positives: int = 0,
        min_positive_groups: int = 0,
        seed: int = 0,
    ) -> None:
        self.n_splits = n_splits
        self.min_positives = min_positives
        self.min_positive_groups = min_positive_groups
        self.seed = seed

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds."""
        return int(self.n_splits)

    def split(
        self,
        X: Any,
        y: npt.ArrayLike,
        groups: npt.ArrayLike | None = None,
    ) -> Iterator[tuple[IntArray, IntArray]]:
        """Yield ``(train, test)`` row indices for each fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its length is used.
        y : array-like of shape (n_samples, n_labels)
            Multi-label indicator matrix of 0/1 (or booleans).
        groups : array-like of shape (n_samples,)
            Group key of every row; required.
        """
        if isinstance(self.n_splits, bool) or not isinstance(self.n_splits, int | np.integer):
            raise ValueError(f"n_splits must be an integer >= 2, got {self.n_splits!r}")
        label_counts, sizes, group_index = group_counts(X, y, groups)
        if sizes.size < self.n_splits:
            raise ValueError(
                f"Cannot have n_splits={self.n_splits} greater than the number of groups: "
                f"{sizes.size}."
            )
        assignment = assign_folds(
            label_counts,
            sizes,
            self.n_splits,
            min_positives=self.min_positives,
            min_positive_groups=self.min_positive_groups,
            seed=self.seed,
        )
        _warn_shortfalls(assignment)
        row_fold = assignment.group_split[group_index]
        for fold in range(self.n_splits):
            yield np.flatnonzero(row_fold != fold), np.flatnonzero(row_fold == fold)

    def __repr__(self) -> str:
        return _repr(self, ("n_splits", "min_positives", "min_positive_groups", "seed"))


def group_counts(
    X: Any,
    y: npt.ArrayLike,
    groups: npt.ArrayLike | None,
) -> tuple[npt.NDArray[np.int64], IntArray, IntArray]:
    """Aggregate rows to groups in sorted-key order.

    Returns the positive rows per group and label (G, C), the rows per group (G,), and
    each row's group index (N,).
    """
    if groups is None:
        raise ValueError("The 'groups' parameter should not be None.")
    # A scipy.sparse indicator matrix (as MultiLabelBinarizer(sparse_output=True) gives).
    to_dense = getattr(y, "toarray", None)
    labels = np.asarray(to_dense() if callable(to_dense) else y)
    if labels.ndim == 1:
        labels = labels[:, None]
    n_rows = X.shape[0] if hasattr(X, "shape") else len(X)
    keys = np.asarray(groups).ravel()
    if labels.ndim != 2 or labels.shape[0] != n_rows or keys.size != n_rows:
        raise ValueError(
            f"X, y and groups must have the same number of rows, got {n_rows}, "
            f"{labels.shape[0]} and {keys.size}"
        )
    _check_binary(labels)
    _, group_index = np.unique(keys, return_inverse=True)
    group_index = group_index.ravel().astype(np.int64)
    sizes = np.bincount(group_index).astype(np.int64)
    n_labels = labels.shape[1]
    # One pass over the positive cells, whatever the number of labels.
    rows, columns = np.nonzero(labels)
    counts = np.bincount(group_index[rows] * n_labels + columns, minlength=sizes.size * n_labels)
    return counts.reshape(sizes.size, n_labels), sizes, group_index


def _check_binary(labels: npt.NDArray[Any]) -> None:
    if labels.dtype == np.bool_:
        return
    not_binary = np.argwhere((labels != 0) & (labels != 1))
    if not_binary.size:
        row, column = not_binary[0]
        raise ValueError(
            f"y must be a 0/1 multi-label indicator matrix, got {labels[row, column].item()!r} "
            f"at row {row}, label {column}"
        )


def _warn_shortfalls(assignment: Assignment) -> None:
    for miss in assignment.shortfalls:
        warnings.warn(
            f"label {miss.class_index}, split {miss.split_index}: {miss.kind} asked for "
            f"{miss.target:g}, achieved {miss.achieved:g} (the data, the train floor or the "
            "split sizes allow no more)",
            CoverageWarning,
            stacklevel=3,
        )


def _repr(splitter: object, names: Sequence[str]) -> str:
    arguments = ", ".join(f"{name}={getattr(splitter, name)!r}" for name in names)
    return f"{type(splitter).__name__}({arguments})"
