"""The scikit-learn cross-validators (splitguard.split.sklearn_api).

Beside the invariants, they are checked as scikit-learn checks its own splitters
(sklearn/model_selection/tests/test_split.py): metadata routing of ``groups``, repr,
get_n_splits, ``cv=`` in cross_validate, GridSearchCV and nested CV, random_state.
"""

from __future__ import annotations

import doctest
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitguard.split import sklearn_api
from splitguard.split.sklearn_api import (
    CoverageWarning,
    MultilabelStratifiedGroupKFold,
    MultilabelStratifiedGroupSplit,
)

sklearn = pytest.importorskip("sklearn")
model_selection = pytest.importorskip("sklearn.model_selection")

Table = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.str_]]


def random_rows(seed: int, n_rows: int, n_labels: int = 4) -> Table:
    """Features, a 0/1 label matrix and string patient ids (several rows per patient)."""
    rng = np.random.default_rng(seed)
    patients = rng.integers(0, max(n_rows // 3, 1), size=n_rows)
    labels = (rng.random((n_rows, n_labels)) < 0.4 / np.arange(1, n_labels + 1)).astype(np.int64)
    return rng.random((n_rows, 3)), labels, np.char.add("p", patients.astype(str))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), n_rows=st.integers(10, 400))
def test_split_parts_partition_rows_without_shared_groups_and_split_yields_the_first_two(
    seed: int, n_rows: int
) -> None:
    X, y, groups = random_rows(seed, n_rows)
    splitter = MultilabelStratifiedGroupSplit(fractions=(0.8, 0.1, 0.1), random_state=seed)
    parts = splitter.split_parts(X, y, groups)
    assert len(parts) == 3
    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(n_rows))
    members = [set(groups[part]) for part in parts]
    assert not (members[0] & members[1] or members[0] & members[2] or members[1] & members[2])
    [(train, test)] = list(splitter.split(X, y, groups))
    assert np.array_equal(train, parts[0]) and np.array_equal(test, parts[1])
    assert splitter.get_n_splits() == 1


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), n_rows=st.integers(30, 400), n_splits=st.integers(2, 5))
def test_kfold_tests_every_row_once_and_keeps_groups_together(
    seed: int, n_rows: int, n_splits: int
) -> None:
    X, y, groups = random_rows(seed, n_rows)
    folds = list(MultilabelStratifiedGroupKFold(n_splits, random_state=seed).split(X, y, groups))
    assert len(folds) == n_splits
    tested = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(tested), np.arange(n_rows))
    for train, test in folds:
        assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(n_rows))
        assert not set(groups[train]) & set(groups[test])


def test_same_seed_same_folds_and_label_order_does_not_matter() -> None:
    X, y, groups = random_rows(1, 300)
    splitter = MultilabelStratifiedGroupKFold(3, min_positives=2, random_state=4)
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
    neighbors = pytest.importorskip("sklearn.neighbors")
    X, y, groups = random_rows(2, 240)
    scores = model_selection.cross_validate(
        neighbors.KNeighborsClassifier(n_neighbors=3),
        X,
        y,
        groups=groups,
        cv=MultilabelStratifiedGroupKFold(n_splits=4, random_state=0),
    )
    assert len(scores["test_score"]) == 4


def test_cross_validate_accepts_a_two_way_split() -> None:
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
        MultilabelStratifiedGroupSplit(min_positives=[0, 0, 3]).split_parts(X, y, groups)
    messages = [str(w.message) for w in caught if issubclass(w.category, CoverageWarning)]
    assert len(messages) == 1
    assert messages[0].startswith("label 3, split 2: min-positives asked for 3, achieved ")
    assert messages[0].endswith("(the data, the train floor or the split sizes allow no more)")


SPLITTERS = [
    pytest.param(lambda: MultilabelStratifiedGroupKFold(n_splits=3), id="kfold"),
    pytest.param(lambda: MultilabelStratifiedGroupSplit(), id="split"),
]


@pytest.fixture
def routing() -> Iterator[None]:
    """scikit-learn's metadata routing on for the test, off again after it."""
    with sklearn.config_context(enable_metadata_routing=True):
        yield


@pytest.mark.usefixtures("routing")
@pytest.mark.parametrize("make", SPLITTERS)
def test_cross_validate_routes_groups_to_the_splitter(make: Any) -> None:
    neighbors = pytest.importorskip("sklearn.neighbors")
    X, y, groups = random_rows(6, 240)
    cv = make()
    scores = model_selection.cross_validate(
        neighbors.KNeighborsClassifier(),
        X,
        y,
        params={"groups": groups},
        cv=cv,
        return_indices=True,
    )
    assert len(scores["test_score"]) == cv.get_n_splits()
    for train, test in zip(scores["indices"]["train"], scores["indices"]["test"], strict=True):
        assert not set(groups[train]) & set(groups[test])


@pytest.mark.usefixtures("routing")
@pytest.mark.parametrize("make", SPLITTERS)
def test_grid_search_takes_the_splitter_as_cv(make: Any) -> None:
    neighbors = pytest.importorskip("sklearn.neighbors")
    X, y, groups = random_rows(7, 240)
    search = model_selection.GridSearchCV(
        neighbors.KNeighborsClassifier(), {"n_neighbors": [1, 5]}, cv=make()
    )
    search.fit(X, y, groups=groups)
    assert search.best_params_["n_neighbors"] in (1, 5)
    assert search.n_splits_ == make().get_n_splits()


@pytest.mark.usefixtures("routing")
def test_nested_cross_validation_routes_groups_to_both_splitters() -> None:
    neighbors = pytest.importorskip("sklearn.neighbors")
    X, y, groups = random_rows(8, 300)
    inner = model_selection.GridSearchCV(
        neighbors.KNeighborsClassifier(),
        {"n_neighbors": [1, 3]},
        cv=MultilabelStratifiedGroupSplit(fractions=(0.7, 0.3)),
        error_score="raise",
    )
    scores = model_selection.cross_val_score(
        inner, X, y, params={"groups": groups}, cv=MultilabelStratifiedGroupKFold(3)
    )
    assert len(scores) == 3


def test_the_default_three_way_split_serves_as_cv_without_routing() -> None:
    neighbors = pytest.importorskip("sklearn.neighbors")
    X, y, groups = random_rows(9, 240)
    scores = model_selection.cross_validate(
        neighbors.KNeighborsClassifier(),
        X,
        y,
        groups=groups,
        cv=MultilabelStratifiedGroupSplit(),
        return_indices=True,
    )
    train, val, test = MultilabelStratifiedGroupSplit().split_parts(X, y, groups)
    assert np.array_equal(scores["indices"]["train"][0], train)
    assert np.array_equal(scores["indices"]["test"][0], val)
    # The test part is never handed to scikit-learn.
    handed = np.concatenate([scores["indices"]["train"][0], scores["indices"]["test"][0]])
    assert not set(test.tolist()) & set(handed.tolist())


@pytest.mark.parametrize("make", SPLITTERS)
def test_splitter_conforms_as_scikit_learn_checks_its_own(make: Any) -> None:
    """sklearn's common splitter checks (test_split.py) that apply to a group splitter."""
    cv = make()
    assert isinstance(cv, model_selection.BaseCrossValidator)
    assert cv.get_metadata_routing().split.requests["groups"] is True
    assert hasattr(cv, "set_split_request")
    assert model_selection.check_cv(cv) is cv
    X, y, groups = random_rows(10, 120)
    with_2d = list(cv.split(X, y, groups))
    with_1d = list(cv.split(X[:, 0], y, groups))
    with_list = list(cv.split(X.tolist(), y.tolist(), groups.tolist()))
    assert len(with_2d) == cv.get_n_splits(X, y, groups)
    for (train, test), (train_1d, test_1d), (train_l, test_l) in zip(
        with_2d, with_1d, with_list, strict=True
    ):
        assert train.dtype.kind == "i" and test.dtype.kind == "i"
        assert np.array_equal(train, train_1d) and np.array_equal(test, test_1d)
        assert np.array_equal(train, train_l) and np.array_equal(test, test_l)
    copy = sklearn.base.clone(cv, safe=False)
    assert repr(copy) == repr(cv)
    assert all(
        np.array_equal(a, b)
        for pair, again in zip(with_2d, copy.split(X, y, groups), strict=True)
        for a, b in zip(pair, again, strict=True)
    )
    with pytest.raises(TypeError, match="'y'"):
        cv.split(X, groups=groups)  # stratified: y is required, as in StratifiedKFold


def test_repr_is_scikit_learns_every_parameter_sorted() -> None:
    shown = " ".join(repr(MultilabelStratifiedGroupKFold(4, min_prevalence=0.05)).split())
    assert shown == (
        "MultilabelStratifiedGroupKFold(min_positive_groups=0, min_positives=0, "
        "min_prevalence=0.05, n_splits=4, random_state=0, seed=None)"
    )
    shown = " ".join(repr(MultilabelStratifiedGroupSplit(fractions=(0.5, 0.5), seed=3)).split())
    assert shown == (
        "MultilabelStratifiedGroupSplit(fractions=(0.5, 0.5), min_positive_groups=None, "
        "min_positives=None, min_prevalence=None, random_state=0, seed=3)"
    )


def fold_tests(cv: Any, X: Any, y: Any, groups: Any) -> list[list[int]]:
    return [test.tolist() for _, test in cv.split(X, y, groups)]


def test_random_state_is_read_as_scikit_learn_reads_it_and_seed_is_its_alias() -> None:
    X, y, groups = random_rows(11, 300)
    by_int = fold_tests(MultilabelStratifiedGroupKFold(3, random_state=7), X, y, groups)
    assert fold_tests(MultilabelStratifiedGroupKFold(3, seed=7), X, y, groups) == by_int
    assert fold_tests(MultilabelStratifiedGroupKFold(3, random_state=7), X, y, groups) == by_int
    # A RandomState is drawn from on each call: new folds each time, reproducible in turn.
    drawn = MultilabelStratifiedGroupKFold(3, random_state=np.random.RandomState(0))
    first, second = fold_tests(drawn, X, y, groups), fold_tests(drawn, X, y, groups)
    assert first != second
    again = MultilabelStratifiedGroupKFold(3, random_state=np.random.RandomState(0))
    assert [fold_tests(again, X, y, groups), fold_tests(again, X, y, groups)] == [first, second]
    # None is numpy's global RandomState, as in check_random_state.
    np.random.seed(5)
    from_global = fold_tests(MultilabelStratifiedGroupKFold(3, random_state=None), X, y, groups)
    np.random.seed(5)
    seeded_state = MultilabelStratifiedGroupKFold(3, random_state=np.random.RandomState(5))
    assert from_global == fold_tests(seeded_state, X, y, groups)


@pytest.mark.parametrize(
    ("random_state", "seed", "shown"),
    [
        (3, 4, "random_state=3 and seed=4"),
        (np.random.RandomState(0), 4, "seed=4"),
        (None, 4, "random_state=None and seed=4"),
        (np.random.default_rng(0), None, "cannot be used to seed"),
        (-1, None, "Seed must be between 0 and 2**32 - 1"),
    ],
)
def test_a_bad_random_state_or_both_names_raise_value_error(
    random_state: Any, seed: int | None, shown: str
) -> None:
    X, y, groups = random_rows(12, 60)
    for splitter in (
        MultilabelStratifiedGroupKFold(2, random_state=random_state, seed=seed),
        MultilabelStratifiedGroupSplit(random_state=random_state, seed=seed),
    ):
        with pytest.raises(ValueError) as error:
            next(splitter.split(X, y, groups))
        assert shown in str(error.value)


def test_kfold_min_prevalence_reaches_every_fold() -> None:
    X, y, groups = random_rows(13, 400)
    folds = list(MultilabelStratifiedGroupKFold(4, min_prevalence=0.05).split(X, y, groups))
    for _, test in folds:
        assert (y[test].sum(axis=0) >= np.ceil(0.05 * test.size)).all()
    y[:, 3] = 0
    y[:3, 3] = 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(MultilabelStratifiedGroupKFold(4, min_prevalence=0.05).split(X, y, groups))
    messages = [str(w.message) for w in caught if issubclass(w.category, CoverageWarning)]
    assert messages and all(m.startswith("label 3, split ") for m in messages)
    assert all("min-prevalence asked for 0.05" in m for m in messages)


def test_a_single_part_is_no_cv_pair_but_split_parts_gives_it() -> None:
    X, y, groups = random_rows(14, 30)
    splitter = MultilabelStratifiedGroupSplit(fractions=(1.0,))
    with pytest.raises(ValueError, match=r"at least two fractions.*\(1\.0,\)"):
        next(splitter.split(X, y, groups))
    [everything] = splitter.split_parts(X, y, groups)
    assert np.array_equal(everything, np.arange(30))


def test_every_public_name_has_examples_and_they_run() -> None:
    for name in sklearn_api.__all__:
        assert "\n    Examples\n    --------\n" in (getattr(sklearn_api, name).__doc__ or ""), name
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    examined = set()
    for test in finder.find(sklearn_api):
        if test.examples:
            examined.add(test.name.rsplit(".", 1)[-1])
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert examined >= set(sklearn_api.__all__)


def test_importing_without_scikit_learn_says_how_to_get_it() -> None:
    blocked = "import sys; sys.modules['sklearn'] = None; import splitguard.split.sklearn_api"
    result = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "needs scikit-learn (>= 1.4): pip install scikit-learn" in result.stderr


def test_the_readme_snippet_runs_on_the_nih_table() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## As a library", 1)[1].split("\n## ", 1)[0]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    names: dict[str, Any] = {}
    exec(compile(snippet, "README.md", "exec"), names)
    ids = names["patient_ids"]
    parts = [names[f"{part}_index"] for part in ("train", "val", "test")]
    assert sum(part.size for part in parts) == names["y"].shape[0] == 112_120
    assert not set(ids[parts[0]]) & set(ids[parts[2]])
