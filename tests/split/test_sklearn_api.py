"""The scikit-learn-shaped splitters (splitguard.split.sklearn_api)."""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitguard.split.sklearn_api import (
    CoverageWarning,
    MultilabelStratifiedGroupKFold,
    MultilabelStratifiedGroupSplit,
)

Table = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.str_]]


def random_rows(seed: int, n_rows: int, n_labels: int = 4) -> Table:
    """Features, a 0/1 label matrix and string patient ids (several rows per patient)."""
    rng = np.random.default_rng(seed)
    patients = rng.integers(0, max(n_rows // 3, 1), size=n_rows)
    labels = (rng.random((n_rows, n_labels)) < 0.4 / np.arange(1, n_labels + 1)).astype(np.int64)
    return rng.random((n_rows, 3)), labels, np.char.add("p", patients.astype(str))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), n_rows=st.integers(10, 400))
def test_split_yields_one_tuple_partitioning_rows_without_shared_groups(
    seed: int, n_rows: int
) -> None:
    X, y, groups = random_rows(seed, n_rows)
    splitter = MultilabelStratifiedGroupSplit(fractions=(0.8, 0.1, 0.1), seed=seed)
    [parts] = list(splitter.split(X, y, groups))
    assert len(parts) == 3
    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(n_rows))
    members = [set(groups[part]) for part in parts]
    assert not (members[0] & members[1] or members[0] & members[2] or members[1] & members[2])
    assert splitter.get_n_splits() == 1


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), n_rows=st.integers(30, 400), n_splits=st.integers(2, 5))
def test_kfold_tests_every_row_once_and_keeps_groups_together(
    seed: int, n_rows: int, n_splits: int
) -> None:
    X, y, groups = random_rows(seed, n_rows)
    folds = list(MultilabelStratifiedGroupKFold(n_splits, seed=seed).split(X, y, groups))
    assert len(folds) == n_splits
    tested = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(tested), np.arange(n_rows))
    for train, test in folds:
        assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(n_rows))
        assert not set(groups[train]) & set(groups[test])


def test_same_seed_same_folds_and_label_order_does_not_matter() -> None:
    X, y, groups = random_rows(1, 300)
    splitter = MultilabelStratifiedGroupKFold(3, min_positives=2, seed=4)
    first = [test for _, test in splitter.split(X, y, groups)]
    permuted = [test for _, test in splitter.split(X, y[:, [2, 0, 3, 1]], groups)]
    again = [test for _, test in splitter.split(X, y, groups)]
    for a, b, c in zip(first, permuted, again, strict=True):
        assert np.array_equal(a, b)
        assert np.array_equal(a, c)


def test_sparse_labels_give_the_same_folds() -> None:
    sparse = pytest.importorskip("scipy.sparse")
    X, y, groups = random_rows(5, 200)
    splitter = MultilabelStratifiedGroupKFold(4)
    dense = [test for _, test in splitter.split(X, y, groups)]
    compressed = [test for _, test in splitter.split(X, sparse.csr_matrix(y), groups)]
    assert all(np.array_equal(a, b) for a, b in zip(dense, compressed, strict=True))


def test_cross_validate_accepts_the_kfold() -> None:
    model_selection = pytest.importorskip("sklearn.model_selection")
    neighbors = pytest.importorskip("sklearn.neighbors")
    X, y, groups = random_rows(2, 240)
    scores = model_selection.cross_validate(
        neighbors.KNeighborsClassifier(n_neighbors=3),
        X,
        y,
        groups=groups,
        cv=MultilabelStratifiedGroupKFold(n_splits=4, seed=0),
    )
    assert len(scores["test_score"]) == 4


def test_cross_validate_accepts_a_two_way_split() -> None:
    model_selection = pytest.importorskip("sklearn.model_selection")
    neighbors = pytest.importorskip("sklearn.neighbors")
    X, y, groups = random_rows(3, 240)
    cv = MultilabelStratifiedGroupSplit(fractions=(0.75, 0.25))
    scores = model_selection.cross_validate(
        neighbors.KNeighborsClassifier(), X, y, groups=groups, cv=cv
    )
    assert len(scores["test_score"]) == 1


def test_init_only_stores_and_is_keyword_only() -> None:
    splitter = MultilabelStratifiedGroupSplit(fractions=(2.0,), min_positives=[-1])
    assert splitter.fractions == (2.0,)
    assert repr(splitter).startswith("MultilabelStratifiedGroupSplit(fractions=(2.0,)")
    with pytest.raises(TypeError):
        MultilabelStratifiedGroupSplit((0.8, 0.2))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        MultilabelStratifiedGroupKFold(5, 3)  # type: ignore[call-arg]
    assert MultilabelStratifiedGroupKFold(7).get_n_splits() == 7


@pytest.mark.parametrize(
    ("splitter", "y", "groups", "shown"),
    [
        (MultilabelStratifiedGroupKFold(3), [[0], [1], [0], [1]], None, "'groups'"),
        (MultilabelStratifiedGroupKFold(3), [[0], [2], [0], [1]], [1, 2, 3, 4], "got 2"),
        (MultilabelStratifiedGroupKFold(5), [[0], [1], [0], [1]], [1, 2, 3, 4], "groups: 4"),
        (MultilabelStratifiedGroupKFold(1), [[0], [1], [0], [1]], [1, 2, 3, 4], "got 1"),
        (MultilabelStratifiedGroupSplit(fractions=(0.5, 0.6)), [[0]] * 4, [1, 2, 3, 4], "1.1"),
        (MultilabelStratifiedGroupSplit(), [[0]] * 3, [1, 2, 3, 4], "4, 3 and 4"),
    ],
)
def test_bad_input_raises_value_error(
    splitter: MultilabelStratifiedGroupSplit | MultilabelStratifiedGroupKFold,
    y: list[list[int]],
    groups: list[int] | None,
    shown: str,
) -> None:
    with pytest.raises(ValueError) as error:
        next(splitter.split(np.zeros((4, 1)), y, groups))
    assert shown in str(error.value)


def test_unmet_minimum_warns_naming_label_and_split() -> None:
    X, y, groups = random_rows(4, 300)
    y[:, 3] = 0
    y[0, 3] = 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        next(MultilabelStratifiedGroupSplit(min_positives=[0, 0, 3]).split(X, y, groups))
    messages = [str(w.message) for w in caught if issubclass(w.category, CoverageWarning)]
    assert len(messages) == 1
    assert messages[0].startswith("label 3, split 2: min-positives asked for 3, achieved ")
    assert messages[0].endswith("(the data, the train floor or the split sizes allow no more)")
