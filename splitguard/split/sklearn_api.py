"""scikit-learn cross-validators over `splitguard.split.stratify`.

Both classes are scikit-learn splitters: they subclass ``BaseCrossValidator`` (its
``__repr__`` included) and ``GroupsConsumerMixin``, so that with metadata routing on
``cross_validate(model, X, y, params={"groups": groups}, cv=MultilabelStratifiedGroupKFold())``
hands them ``groups``. As in ``sklearn.model_selection``, ``__init__`` only stores its
parameters (they are checked when ``split`` runs), ``split(X, y, groups)`` yields
``(train, test)`` index arrays, and ``random_state`` is read as ``check_random_state``
reads it. Importing this module imports scikit-learn, which splitguard itself does not
need (``pip install scikit-learn``).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from splitguard.split.pairs import PairCounts, label_pairs
from splitguard.split.stratify import Assignment, assign_folds, assign_groups

try:
    from sklearn.model_selection import BaseCrossValidator

    # Public in name only: scikit-learn's own group splitters take it from here.
    from sklearn.model_selection._split import GroupsConsumerMixin
except ImportError as exc:
    raise ImportError(
        "splitguard.split.sklearn_api needs scikit-learn (>= 1.4): pip install scikit-learn"
    ) from exc

__all__ = [
    "CoverageWarning",
    "MultilabelStratifiedGroupKFold",
    "MultilabelStratifiedGroupSplit",
    "group_counts",
]

IntArray = npt.NDArray[np.int64]
RandomStateLike = int | np.random.RandomState | None

# The default random_state is a seed, not None: the same data give the same split
# unless the caller asks for fresh randomness (splitguard's promise since `seed=0`).
DEFAULT_RANDOM_STATE = 0


class CoverageWarning(UserWarning):
    """A requested minimum could not be met; the split is usable but weaker than asked.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from splitguard.split.sklearn_api import (
    ...     CoverageWarning, MultilabelStratifiedGroupKFold)
    >>> y = np.array([[1], [0], [0], [0], [0], [0]])
    >>> groups = np.arange(6)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     folds = list(MultilabelStratifiedGroupKFold(2, min_positives=1).split(y, y, groups))
    >>> [issubclass(w.category, CoverageWarning) for w in caught]
    [True]
    >>> str(caught[0].message).startswith("label 0, split ")  # one fold has no positive
    True
    """


class MultilabelStratifiedGroupSplit(GroupsConsumerMixin, BaseCrossValidator):  # type: ignore[misc]
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
    random_state : int, RandomState instance or None, default=0
        Seeds every random choice. An int gives the same parts on every call; a
        ``RandomState`` (drawn from once per call) or None (numpy's global one) gives
        new parts on each call.
    seed : int, optional
        The older name of ``random_state``, kept for code written against it. It wins
        over the default ``random_state``; passing both a ``seed`` and a ``random_state``
        other than 0 is a ``ValueError`` (an explicit ``random_state=0`` cannot be told
        from the default, so ``seed`` wins over it).

    Notes
    -----
    ``split_parts(X, y, groups)`` returns the whole split: one index array per part, in
    the order of ``fractions`` (``train, val, test = s.split_parts(X, y, groups)``).

    ``split`` makes it a scikit-learn ``cv``: it yields once (``get_n_splits`` is 1) the
    pair ``(train, test)`` of the first two parts. With the default fractions that is
    train and val: the test part is never handed to scikit-learn, so a hyperparameter
    search over ``cv=`` cannot tune on it; take it from ``split_parts`` for the final
    evaluation (with an int ``random_state``, so that both calls build the same split).
    With two fractions, the pair is the whole split.

    Invariants: every row index appears in exactly one part; all rows of a group are in
    the same part; the same data and int ``random_state`` give the same arrays;
    permuting the label columns does not change them. Groups are ordered by their sorted
    unique keys (``np.unique``), so row order within a group does not matter. A minimum
    that the data cannot meet raises a `CoverageWarning` naming label, part and numbers.

    Examples
    --------
    >>> import numpy as np
    >>> from splitguard.split.sklearn_api import MultilabelStratifiedGroupSplit
    >>> y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]] * 5)
    >>> groups = np.repeat(np.arange(15), 2)
    >>> splitter = MultilabelStratifiedGroupSplit(fractions=(0.6, 0.2, 0.2), random_state=0)
    >>> splitter  # doctest: +NORMALIZE_WHITESPACE
    MultilabelStratifiedGroupSplit(fractions=(0.6, 0.2, 0.2),
        min_positive_groups=None, min_positives=None,
        min_prevalence=None, random_state=0, seed=None)
    >>> train, val, test = splitter.split_parts(y, y, groups)
    >>> np.array_equal(np.sort(np.concatenate([train, val, test])), np.arange(30))
    True
    >>> set(groups[train]) & set(groups[val]), set(groups[train]) & set(groups[test])
    (set(), set())
    >>> [(a.tolist(), b.tolist()) == (train.tolist(), val.tolist())
    ...  for a, b in splitter.split(y, y, groups)]
    [True]
    """

    def __init__(
        self,
        *,
        fractions: Sequence[float] = (0.8, 0.1, 0.1),
        min_positives: Sequence[int] | None = None,
        min_positive_groups: Sequence[int] | None = None,
        min_prevalence: Sequence[float] | None = None,
        random_state: RandomStateLike = DEFAULT_RANDOM_STATE,
        seed: int | None = None,
    ) -> None:
        self.fractions = fractions
        self.min_positives = min_positives
        self.min_positive_groups = min_positive_groups
        self.min_prevalence = min_prevalence
        self.random_state = random_state
        self.seed = seed

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of splitting iterations: always 1. The arguments are ignored."""
        return 1

    def split(
        self,
        X: Any,
        y: npt.ArrayLike,
        groups: npt.ArrayLike | None = None,
    ) -> Iterator[tuple[IntArray, IntArray]]:
        """Yield once ``(train, test)``: the row indices of the first two parts.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its length is used.
        y : array-like of shape (n_samples, n_labels)
            Multi-label indicator matrix of 0/1 (or booleans), dense or scipy.sparse.
        groups : array-like of shape (n_samples,)
            Group key of every row; required.

        Yields
        ------
        train, test : ndarray
            The first and the second part of ``fractions``; any further part (test, in
            train/val/test) is in neither: see `split_parts`.
        """
        if len(self.fractions) < 2:
            raise ValueError(
                f"split needs at least two fractions for a (train, test) pair, got "
                f"{tuple(self.fractions)!r}; use split_parts for a single part"
            )
        parts = self.split_parts(X, y, groups)
        yield parts[0], parts[1]

    def split_parts(
        self,
        X: Any,
        y: npt.ArrayLike,
        groups: npt.ArrayLike | None = None,
    ) -> tuple[IntArray, ...]:
        """The whole split: the row indices of every part, in the order of ``fractions``.

        Parameters are those of `split`. With the default fractions:
        ``train, val, test = splitter.split_parts(X, y, groups)``.
        """
        label_counts, sizes, group_index, pairs = _aggregate(X, y, groups)
        assignment = assign_groups(
            label_counts,
            sizes,
            self.fractions,
            min_positives=self.min_positives,
            min_positive_groups=self.min_positive_groups,
            min_prevalence=self.min_prevalence,
            pairs=pairs,
            seed=_seed(self.random_state, self.seed),
        )
        _warn_shortfalls(assignment)
        row_split = assignment.group_split[group_index]
        return tuple(np.flatnonzero(row_split == s) for s in range(len(self.fractions)))


class MultilabelStratifiedGroupKFold(GroupsConsumerMixin, BaseCrossValidator):  # type: ignore[misc]
    """K folds without shared groups, stratified on every label.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    min_positives : int, default=0
        Minimum positive rows of every label in every fold (each fold is a test set once).
    min_positive_groups : int, default=0
        Minimum groups with a positive row, for every label, in every fold.
    min_prevalence : float, default=0.0
        Minimum share of every fold's rows that every label must make up, where the data
        allow it.
    random_state : int, RandomState instance or None, default=0
        Seeds every random choice. An int gives the same folds on every call; a
        ``RandomState`` (drawn from once per call) or None (numpy's global one) gives
        new folds on each call.
    seed : int, optional
        The older name of ``random_state``, kept for code written against it. It wins
        over the default ``random_state``; passing both a ``seed`` and a ``random_state``
        other than 0 is a ``ValueError`` (an explicit ``random_state=0`` cannot be told
        from the default, so ``seed`` wins over it).

    Notes
    -----
    ``split`` yields ``n_splits`` pairs ``(train, test)``. Invariants: the test arrays
    partition the rows (every row is tested exactly once); train is the complement of
    test; all rows of a group are in the same fold; the same data and int
    ``random_state`` give the same folds; permuting the label columns does not change
    them. Fold sizes and each label's positives per fold are kept close to
    ``1 / n_splits`` of the total. A minimum the data cannot meet raises a
    `CoverageWarning`.

    Examples
    --------
    >>> import numpy as np
    >>> from splitguard.split.sklearn_api import MultilabelStratifiedGroupKFold
    >>> y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]] * 4)
    >>> groups = np.repeat(np.arange(12), 2)
    >>> cv = MultilabelStratifiedGroupKFold(n_splits=3, min_positives=2, random_state=0)
    >>> cv  # doctest: +NORMALIZE_WHITESPACE
    MultilabelStratifiedGroupKFold(min_positive_groups=0, min_positives=2,
        min_prevalence=0.0, n_splits=3, random_state=0, seed=None)
    >>> cv.get_n_splits()
    3
    >>> folds = list(cv.split(y, y, groups))
    >>> np.array_equal(np.sort(np.concatenate([test for _, test in folds])), np.arange(24))
    True
    >>> [set(groups[train]) & set(groups[test]) for train, test in folds]
    [set(), set(), set()]
    >>> [bool(y[test].sum(axis=0).min() >= 2) for _, test in folds]
    [True, True, True]
    """

    def __init__(
        self,
        n_splits: int = 5,
        *,
        min_positives: int = 0,
        min_positive_groups: int = 0,
        min_prevalence: float = 0.0,
        random_state: RandomStateLike = DEFAULT_RANDOM_STATE,
        seed: int | None = None,
    ) -> None:
        self.n_splits = n_splits
        self.min_positives = min_positives
        self.min_positive_groups = min_positive_groups
        self.min_prevalence = min_prevalence
        self.random_state = random_state
        self.seed = seed

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds. The arguments are ignored."""
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
            Multi-label indicator matrix of 0/1 (or booleans), dense or scipy.sparse.
        groups : array-like of shape (n_samples,)
            Group key of every row; required.

        Yields
        ------
        train, test : ndarray
            The rows outside the fold, and the rows of the fold.
        """
        if isinstance(self.n_splits, bool) or not isinstance(self.n_splits, int | np.integer):
            raise ValueError(f"n_splits must be an integer >= 2, got {self.n_splits!r}")
        label_counts, sizes, group_index, pairs = _aggregate(X, y, groups)
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
            min_prevalence=self.min_prevalence,
            pairs=pairs,
            seed=_seed(self.random_state, self.seed),
        )
        _warn_shortfalls(assignment)
        row_fold = assignment.group_split[group_index]
        for fold in range(self.n_splits):
            yield np.flatnonzero(row_fold != fold), np.flatnonzero(row_fold == fold)


def group_counts(
    X: Any,
    y: npt.ArrayLike,
    groups: npt.ArrayLike | None,
) -> tuple[npt.NDArray[np.int64], IntArray, IntArray]:
    """Aggregate rows to groups in sorted-key order.

    Returns the positive rows per group and label (G, C), the rows per group (G,), and
    each row's group index (N,).

    Examples
    --------
    >>> import numpy as np
    >>> from splitguard.split.sklearn_api import group_counts
    >>> y = np.array([[1, 0], [1, 1], [0, 1]])
    >>> counts, sizes, group_index = group_counts(y, y, ["p2", "p2", "p1"])
    >>> counts.tolist(), sizes.tolist(), group_index.tolist()
    ([[0, 1], [2, 1]], [1, 2], [1, 1, 0])
    """
    counts, sizes, group_index, _ = _aggregate(X, y, groups, with_pairs=False)
    return counts, sizes, group_index


def _seed(random_state: RandomStateLike, seed: int | None) -> int:
    """The int seed of one `split` call, from ``random_state`` or its alias ``seed``."""
    from sklearn.utils import check_random_state

    if seed is not None:
        is_default = (
            isinstance(random_state, numbers.Integral)
            and not isinstance(random_state, bool)
            and random_state == DEFAULT_RANDOM_STATE
        )
        if not is_default:
            raise ValueError(
                f"seed is another name for random_state: pass one of them, got "
                f"random_state={random_state!r} and seed={seed!r}"
            )
        random_state = seed
    # check_random_state rejects what scikit-learn rejects (a negative int, a Generator).
    generator = check_random_state(random_state)
    if isinstance(random_state, numbers.Integral):
        # An int is the seed itself, so that seed=N and random_state=N agree with the
        # splits that `seed=N` gave before random_state existed.
        return int(random_state)
    return int(generator.randint(np.iinfo(np.int32).max))


def _aggregate(
    X: Any, y: npt.ArrayLike, groups: npt.ArrayLike | None, *, with_pairs: bool = True
) -> tuple[npt.NDArray[np.int64], IntArray, IntArray, PairCounts | None]:
    """`group_counts`, and the label pairs worth balancing (`label_pairs`)."""
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
    pairs = label_pairs(labels, group_index, sizes.size) if with_pairs else None
    return counts.reshape(sizes.size, n_labels), sizes, group_index, pairs


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
