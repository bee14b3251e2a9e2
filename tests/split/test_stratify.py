"""Invariants of the group-level stratifier (splitguard.split.stratify)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitguard.core.frame import SPLIT_INDEX, LabelFrame
from splitguard.split.metrics import (
    label_distribution,
    label_pair_distribution,
    worst_relative_deviation,
)
from splitguard.split.pairs import label_pairs
from splitguard.split.stratify import assign_folds, assign_groups

FRACTIONS = [(0.8, 0.1, 0.1), (0.7, 0.3), (0.5, 0.25, 0.25), (1.0,), (0.6, 0.2, 0.1, 0.1)]
Table = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def random_table(seed: int, n_groups: int, n_classes: int) -> Table:
    """Group sizes 1..8, long-tailed class prevalence, positives clustered in groups."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 9, size=n_groups)
    prevalence = 0.4 / np.arange(1, n_classes + 1)
    propensity = rng.gamma(0.7, 1.5, size=(n_groups, 1))
    counts = rng.binomial(sizes[:, None], np.minimum(prevalence * propensity, 1.0))
    return counts.astype(np.int64), sizes.astype(np.int64)


tables = st.builds(
    random_table,
    seed=st.integers(0, 2**16),
    n_groups=st.integers(1, 300),
    n_classes=st.integers(1, 6),
)


@settings(max_examples=60, deadline=None)
@given(table=tables, fractions=st.sampled_from(FRACTIONS), seed=st.integers(0, 100))
def test_every_group_gets_exactly_one_split(
    table: Table, fractions: tuple[float, ...], seed: int
) -> None:
    counts, sizes = table
    result = assign_groups(counts, sizes, fractions, seed=seed)
    assert result.group_split.shape == sizes.shape
    assert result.group_split.dtype == SPLIT_INDEX
    assert ((result.group_split >= 0) & (result.group_split < len(fractions))).all()
    assert result.shortfalls == ()


@settings(max_examples=30, deadline=None)
@given(table=tables, seed=st.integers(0, 100))
def test_same_seed_gives_the_same_bytes(table: Table, seed: int) -> None:
    counts, sizes = table
    first = assign_groups(counts, sizes, (0.8, 0.1, 0.1), min_positives=[0, 2, 2], seed=seed)
    again = assign_groups(counts, sizes, (0.8, 0.1, 0.1), min_positives=[0, 2, 2], seed=seed)
    assert first.group_split.tobytes() == again.group_split.tobytes()
    assert first.shortfalls == again.shortfalls


@settings(max_examples=40, deadline=None)
@given(table=tables, data=st.data())
def test_class_order_does_not_change_the_assignment(table: Table, data: st.DataObject) -> None:
    counts, sizes = table
    permutation = np.array(data.draw(st.permutations(range(counts.shape[1]))))
    original, permuted = (
        assign_groups(
            table, sizes, (0.8, 0.1, 0.1), min_positives=[0, 3, 3], min_positive_groups=[0, 1, 1]
        )
        for table in (counts, counts[:, permutation])
    )
    assert np.array_equal(original.group_split, permuted.group_split)
    renamed = {
        (int(permutation[f.class_index]), f.split_index, f.kind) for f in permuted.shortfalls
    }
    assert renamed == {(f.class_index, f.split_index, f.kind) for f in original.shortfalls}


def test_identical_columns_in_either_order_give_one_assignment() -> None:
    counts, sizes = random_table(3, 200, 3)
    doubled = np.concatenate([counts, counts[:, :1]], axis=1)
    swapped = doubled[:, [3, 1, 2, 0]]
    first = assign_groups(doubled, sizes, (0.8, 0.1, 0.1), seed=1).group_split
    assert np.array_equal(first, assign_groups(swapped, sizes, (0.8, 0.1, 0.1), seed=1).group_split)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n_groups=st.integers(400, 800),
    minimum=st.integers(1, 15),
    min_groups=st.integers(0, 10),
)
def test_minimums_are_met_when_feasible(
    seed: int, n_groups: int, minimum: int, min_groups: int
) -> None:
    # Every class has at least 60 positive groups, so val and test can both get 15 each.
    counts, sizes = random_table(seed, n_groups, 4)
    carriers = (counts > 0).sum(axis=0)
    if carriers.min() < 60:
        return
    result = assign_groups(
        counts,
        sizes,
        (0.8, 0.1, 0.1),
        min_positives=[0, minimum, minimum],
        min_positive_groups=[0, min_groups, min_groups],
        seed=seed,
    )
    assert result.shortfalls == ()
    for split in (1, 2):
        members = result.group_split == split
        assert (counts[members].sum(axis=0) >= minimum).all()
        assert ((counts[members] > 0).sum(axis=0) >= min_groups).all()


def test_an_infeasible_minimum_leaves_train_its_floor_and_says_so() -> None:
    counts, sizes = random_table(0, 300, 2)
    counts[:, 1] = 0
    counts[:6, 1] = 1  # six positive rows of class 1 in total
    result = assign_groups(counts, sizes, (0.8, 0.1, 0.1), min_positives=[0, 0, 20], seed=0)
    in_train = counts[result.group_split == 0, 1].sum()
    in_test = counts[result.group_split == 2, 1].sum()
    assert in_train >= 3, "train keeps ceil(40% of 6) = 3"
    [shortfall] = result.shortfalls
    assert (shortfall.class_index, shortfall.split_index) == (1, 2)
    assert (shortfall.kind, shortfall.target, shortfall.achieved) == ("min-positives", 20, in_test)
    assert in_test >= 2


def ten_carriers_in_200_rows() -> Table:
    counts = np.zeros((200, 1), dtype=np.int64)
    counts[:10] = 1
    return counts, np.ones(200, dtype=np.int64)


def held_by_split(counts: np.ndarray, group_split: np.ndarray) -> list[int]:
    return [int(counts[group_split == s].sum()) for s in range(3)]


def test_infeasible_minimums_share_what_the_train_floor_leaves() -> None:
    counts, sizes = ten_carriers_in_200_rows()
    result = assign_groups(counts, sizes, (0.8, 0.1, 0.1), min_positives=[0, 8, 8], seed=0)
    assert held_by_split(counts, result.group_split) == [4, 3, 3]
    assert {(f.split_index, f.achieved) for f in result.shortfalls} == {(1, 3.0), (2, 3.0)}


def test_a_lower_train_floor_lets_the_minimums_take_more() -> None:
    counts, sizes = ten_carriers_in_200_rows()
    result = assign_groups(
        counts, sizes, (0.8, 0.1, 0.1), min_positives=[0, 8, 8], train_floor=0.2, seed=0
    )
    assert held_by_split(counts, result.group_split) == [2, 4, 4]


def test_a_split_never_grows_to_meet_a_minimum() -> None:
    # Ten rows, all positive: test (one row) cannot hold eight without growing.
    counts, sizes = np.ones((10, 1), dtype=np.int64), np.ones(10, dtype=np.int64)
    result = assign_groups(counts, sizes, (0.8, 0.1, 0.1), min_positives=[0, 0, 8], seed=0)
    assert np.bincount(result.group_split, minlength=3).tolist()[2] <= 2


def test_min_prevalence_is_honoured_where_feasible() -> None:
    counts, sizes = random_table(5, 3000, 3)
    shares = counts.sum(axis=0) / sizes.sum()
    wanted = float(shares.min() * 1.5)
    result = assign_groups(counts, sizes, (0.8, 0.1, 0.1), min_prevalence=[0, 0, wanted], seed=0)
    test = result.group_split == 2
    assert (counts[test].sum(axis=0) / sizes[test].sum() >= wanted).all()
    assert result.shortfalls == ()
    # The positives come from dense groups, not from a bigger split.
    assert abs(sizes[test].sum() - 0.1 * sizes.sum()) <= 0.01 * 0.1 * sizes.sum()


def test_min_prevalence_reports_a_shortfall_where_infeasible() -> None:
    counts, sizes = random_table(5, 3000, 3)
    result = assign_groups(counts, sizes, (0.8, 0.1, 0.1), min_prevalence=[0, 0, 0.95], seed=0)
    kinds = {(f.kind, f.split_index) for f in result.shortfalls}
    assert kinds == {("min-prevalence", 2)}
    assert all(f.achieved < 0.95 for f in result.shortfalls)


@settings(max_examples=30, deadline=None)
@given(table=tables, seed=st.integers(0, 100))
def test_fixed_groups_keep_their_split(table: Table, seed: int) -> None:
    counts, sizes = table
    fixed = np.random.default_rng(seed).integers(-1, 3, size=sizes.size)
    result = assign_groups(counts, sizes, (0.8, 0.1, 0.1), fixed=fixed, min_positives=[0, 2, 2])
    kept = fixed >= 0
    assert np.array_equal(result.group_split[kept], fixed[kept])


@settings(max_examples=30, deadline=None)
@given(table=tables, n_folds=st.integers(2, 6), seed=st.integers(0, 100))
def test_folds_partition_the_groups(table: Table, n_folds: int, seed: int) -> None:
    counts, sizes = table
    result = assign_folds(counts, sizes, n_folds, seed=seed)
    assert ((result.group_split >= 0) & (result.group_split < n_folds)).all()
    if sizes.sum() >= 40 * n_folds:
        rows = np.bincount(result.group_split, weights=sizes, minlength=n_folds)
        assert np.abs(rows - sizes.sum() / n_folds).max() <= 0.02 * sizes.sum() / n_folds + 8


def test_no_classes_and_single_group_are_fine() -> None:
    empty = assign_groups(np.zeros((5, 0), dtype=np.int64), np.ones(5, dtype=np.int64), [0.6, 0.4])
    assert np.bincount(empty.group_split, minlength=2).tolist() == [3, 2]
    single = assign_groups(np.ones((1, 2), dtype=np.int64), np.ones(1, dtype=np.int64), [0.5, 0.5])
    assert single.group_split.shape == (1,)


@pytest.mark.parametrize(
    ("request_", "shown"),
    [
        ({"fractions": [0.5, 0.4]}, "0.9"),
        ({"fractions": [1.2, -0.2]}, "-0.2"),
        ({"fractions": [0.8, 0.2], "min_positives": [0, -3]}, "-3"),
        ({"fractions": [0.8, 0.2], "min_positives": [0, 1, 2]}, "[0, 1, 2]"),
        ({"fractions": [0.8, 0.2], "min_positive_groups": [0, 1.5]}, "1.5"),
        ({"fractions": [0.8, 0.2], "min_prevalence": [0, 1.5]}, "1.5"),
        ({"fractions": [0.8, 0.2], "fixed": [0, 2, -1, 0]}, "2"),
        ({"fractions": [0.8, 0.2], "sizes": [1, 1, 1]}, "(3,)"),
        ({"fractions": [0.8, 0.2], "sizes": [1, 0, 1, 1]}, "got 0"),
    ],
)
def test_bad_requests_raise_value_error_naming_the_value(
    request_: dict[str, object], shown: str
) -> None:
    counts = np.ones((4, 2), dtype=np.int64)
    sizes = np.asarray(request_.pop("sizes", [1, 1, 1, 1]))
    fractions = request_.pop("fractions")
    with pytest.raises(ValueError) as error:
        assign_groups(counts, sizes, fractions, **request_)  # type: ignore[arg-type]
    assert shown in str(error.value)


def test_more_positives_than_rows_is_rejected() -> None:
    with pytest.raises(ValueError, match="has 3 positives of class 1 but only 2 rows"):
        assign_groups(np.array([[0, 3]]), np.array([2]), [1.0])


def test_folds_need_at_least_two() -> None:
    with pytest.raises(ValueError, match="got 1"):
        assign_folds(np.ones((4, 1), dtype=np.int64), np.ones(4, dtype=np.int64), 1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nih_80_10_10_meets_the_quality_targets(nih: Any, seed: int) -> None:
    fractions = (0.8, 0.1, 0.1)
    result = assign_groups(
        nih.group_label_counts,
        nih.group_sizes,
        fractions,
        min_positives=[0, 20, 20],
        pairs=label_pairs(nih.labels, nih.groups, nih.n_groups),
        seed=seed,
    )
    assert result.shortfalls == ()
    row_split = result.group_split[nih.groups]
    positives = np.stack([nih.labels[row_split == s].sum(axis=0) for s in range(3)])
    assert positives[1:].min() >= 20
    totals = nih.labels.sum(axis=0)
    assert label_distribution(nih.labels, row_split, 3) <= 0.0002
    # Iterative stratification of the rows, blind to patients, reaches 2.5e-4.
    assert label_pair_distribution(nih.labels, row_split, 3) <= 0.00025
    many, some = totals >= 1000, totals >= 100
    assert worst_relative_deviation(nih.labels[:, many], row_split, fractions) <= 0.01
    assert worst_relative_deviation(nih.labels[:, some], row_split, fractions) <= 0.05
    rows = np.bincount(row_split, minlength=3)
    assert np.abs(rows - np.asarray(fractions) * row_split.size).max() <= 0.001 * rows.min()


def test_an_unmeetable_minimum_leaves_train_its_floor() -> None:
    # 12 single-row groups carry the class; test asks for 50 of them.
    counts = np.zeros((400, 2), dtype=np.int64)
    counts[:12, 0] = 1
    counts[::3, 1] = 1
    sizes = np.ones(400, dtype=np.int64)
    result = assign_groups(counts, sizes, [0.8, 0.1, 0.1], min_positives=[0, 0, 50], seed=0)
    positives = np.array([counts[result.group_split == s, 0].sum() for s in range(3)])
    assert positives[0] >= 5, "training keeps ceil(40% of 12) = 5 positives of the class"
    assert positives[2] == 7, "the asking split takes all the floor leaves"
    (shortfall,) = [f for f in result.shortfalls if f.class_index == 0]
    assert (shortfall.split_index, shortfall.target) == (2, 50)
    assert shortfall.achieved == positives[2]


def split_shares(frame: LabelFrame, group_split: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each split's share of the rows (S,), and of each class's positive rows (S, C)."""
    rows = np.bincount(group_split, weights=frame.group_sizes, minlength=3) / frame.n_rows
    positives = np.stack([frame.group_label_counts[group_split == s].sum(axis=0) for s in range(3)])
    return rows, positives / frame.group_label_counts.sum(axis=0)


def test_unmeetable_prevalence_on_nih_keeps_train_positives(nih: LabelFrame) -> None:
    result = assign_groups(
        nih.group_label_counts, nih.group_sizes, [0.8, 0.1, 0.1], min_prevalence=[0, 0, 0.05]
    )
    hernia = nih.classes.index("Hernia")
    rows, held = split_shares(nih, result.group_split)
    assert held[0].min() >= 0.4
    assert np.abs(rows - [0.8, 0.1, 0.1]).max() <= 0.01
    assert [f.class_index for f in result.shortfalls] == [hernia]


@pytest.mark.parametrize(
    "request_",
    [
        {"min_prevalence": [0, 0, 0.02]},
        {"min_prevalence": [0, 0, 0.5]},
        {"min_positives": [0, 0, 20000]},
        {"min_positives": [0, 20000, 20000]},
    ],
    ids=["prevalence-2%", "prevalence-50%", "positives-20000", "val-and-test-20000"],
)
def test_nih_minimums_never_resize_splits_nor_starve_train(
    nih: LabelFrame, request_: dict[str, Any]
) -> None:
    # Before: prevalence 2% left train 1 of 227 Hernia positives; 50% grew test to 32% of
    # the rows and left train 2.5% of Mass; 20,000 positives shrank train to 62%.
    result = assign_groups(
        nih.group_label_counts,
        nih.group_sizes,
        [0.8, 0.1, 0.1],
        min_positive_groups=[1, 1, 1],
        **request_,
    )
    rows, held = split_shares(nih, result.group_split)
    assert np.abs(rows - [0.8, 0.1, 0.1]).max() <= 0.01
    assert held[0].min() >= 0.4
    assert result.shortfalls


def test_half_of_a_rare_class_in_test_on_nih(nih: LabelFrame) -> None:
    hernia = nih.classes.index("Hernia")
    total = int(nih.group_label_counts[:, hernia].sum())
    minimum = np.zeros((3, nih.n_classes))
    minimum[2, hernia] = np.ceil(total / 2)
    result = assign_groups(
        nih.group_label_counts, nih.group_sizes, [0.8, 0.1, 0.1], min_positives=minimum
    )
    rows, held = split_shares(nih, result.group_split)
    assert result.shortfalls == ()
    assert held[2, hernia] >= 0.5
    assert np.abs(rows - [0.8, 0.1, 0.1]).max() <= 0.01


def test_folds_keep_each_complement_its_floor() -> None:
    counts, sizes = ten_carriers_in_200_rows()
    result = assign_groups(
        counts, sizes, [0.5, 0.5], min_positives=[9, 0], train=None, train_floor=0.4
    )
    assert held_by_split(counts, result.group_split)[:2] == [6, 4]


def test_per_class_minimums_apply_to_their_class_only() -> None:
    counts = np.zeros((400, 2), dtype=np.int64)
    counts[:40, 0] = 1
    counts[40:80, 1] = 1
    sizes = np.ones(400, dtype=np.int64)
    minimum = np.array([[0, 0], [0, 0], [20, 0]])
    result = assign_groups(counts, sizes, [0.8, 0.1, 0.1], min_positives=minimum, seed=0)
    test = result.group_split == 2
    assert counts[test, 0].sum() >= 20
    assert counts[test, 1].sum() <= 8
    assert result.shortfalls == ()
