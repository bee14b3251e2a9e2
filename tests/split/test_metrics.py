"""Split metrics against hand-computed values (splitguard.split.metrics)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitguard.core.labels import LabelRows, from_cells
from splitguard.split import pairs as pairs_module
from splitguard.split.metrics import (
    evaluate,
    example_distribution,
    label_distribution,
    label_pair_distribution,
    leaked_groups,
    positives_by_split,
    worst_relative_deviation,
    zero_positive_cells,
    zero_positive_pair_cells,
)

# 8 rows, 2 labels, 2 splits of 4 rows; label 0 has 2 positives in each split.
LABELS = np.array(
    [[1, 1], [1, 0], [0, 0], [0, 0], [1, 1], [1, 1], [0, 1], [0, 0]],
    dtype=bool,
)
SPLIT = np.array([0, 0, 0, 0, 1, 1, 1, 1])


def test_positives_by_split_counts_every_label() -> None:
    assert positives_by_split(LABELS, SPLIT, 2).tolist() == [[2, 1], [2, 3]]


def test_label_distribution_matches_the_formula() -> None:
    # Label 0: ratios 2/2 and 2/2 against 4/4, gap 0. Label 1: 1/3 and 3/1 against 4/4.
    expected = (0 + 0 + abs(1 / 3 - 1) + abs(3 - 1)) / 4
    assert label_distribution(LABELS, SPLIT, 2) == pytest.approx(expected)


def test_label_pair_distribution_matches_the_formula() -> None:
    # The only pair (0, 1) is positive in rows 0, 4, 5: 1 of 4 in split 0, 2 of 4 in split 1.
    expected = (abs(1 / 3 - 3 / 5) + abs(2 / 2 - 3 / 5)) / 2
    assert label_pair_distribution(LABELS, SPLIT, 2) == pytest.approx(expected)


def test_label_pair_distribution_is_zero_without_pairs() -> None:
    assert label_pair_distribution(np.eye(4, dtype=bool), [0, 0, 1, 1], 2) == 0.0


def test_example_distribution_is_the_mean_gap_in_rows() -> None:
    assert example_distribution(SPLIT, [0.75, 0.25]) == pytest.approx((2 + 2) / 2)


def test_worst_relative_deviation_skips_rare_classes() -> None:
    # Targets 2 and 2 for label 0 (exact); 2 and 2 for label 1, reached as 1 and 3.
    assert worst_relative_deviation(LABELS, SPLIT, [0.5, 0.5]) == pytest.approx(0.5)
    assert worst_relative_deviation(LABELS, SPLIT, [0.5, 0.5], min_class_positives=5) == 0.0


def test_leaked_groups_counts_groups_in_two_splits() -> None:
    groups = np.array(["a", "a", "b", "c", "a", "d", "d", "c"])
    assert leaked_groups(groups, SPLIT) == 2


def test_evaluate_gathers_every_metric() -> None:
    quality = evaluate(LABELS, SPLIT, [0.5, 0.5], groups=np.arange(8))
    assert quality.leaked_groups == 0
    assert quality.min_positives_by_split == (1, 2)
    assert quality.example_distribution == 0.0
    assert quality.label_distribution == pytest.approx(label_distribution(LABELS, SPLIT, 2))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), n_rows=st.integers(2, 200))
def test_a_split_identical_to_the_whole_has_zero_gaps(seed: int, n_rows: int) -> None:
    # A negative row keeps every ratio's denominator above 0.
    labels = np.random.default_rng(seed).random((n_rows, 4)) < 0.3
    labels[0] = False
    doubled = np.concatenate([labels, labels])
    split = np.repeat([0, 1], n_rows)
    assert label_distribution(doubled, split, 2) == pytest.approx(0.0)
    assert label_pair_distribution(doubled, split, 2) == pytest.approx(0.0)
    assert example_distribution(split, [0.5, 0.5]) == 0.0


def test_split_values_outside_the_range_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"0\.\.1, got 0\.\.2"):
        label_distribution(LABELS, [0, 1, 2, 0, 0, 0, 0, 0], 2)


def test_zero_positive_cells_count_split_label_cells_without_a_positive() -> None:
    labels = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 0]], dtype=bool)
    split = np.array([0, 0, 1, 1])
    # Label 0 has no positive in split 1; label 2 is positive nowhere and is not counted.
    assert zero_positive_cells(labels, split, 2) == 1


def test_zero_positive_pair_cells_count_split_pair_cells_without_a_row() -> None:
    # Pair (0, 1) is positive together in rows 0 and 4 (splits 0 and 1); pair (0, 2) only
    # in row 1 (split 0); pair (1, 2) nowhere, so it is not counted.
    labels = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 1, 0]], dtype=bool)
    split = np.array([0, 0, 1, 1, 1])
    assert zero_positive_pair_cells(labels, split, 2) == 1
    assert zero_positive_pair_cells(labels, np.zeros(5, dtype=int), 2) == 2


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 12))
def test_sparse_labels_give_the_dense_metrics_exactly(
    seed: int, n_rows: int, n_labels: int
) -> None:
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    labels = rng.random((n_rows, n_labels)) < 0.3
    split = rng.integers(0, 3, n_rows)
    groups = rng.integers(0, max(1, n_rows // 2), n_rows)
    for sparse in (sp.csr_array(labels), sp.csr_matrix(labels), label_rows(labels)):
        assert label_pair_distribution(sparse, split, 3) == label_pair_distribution(
            labels, split, 3
        )
        assert zero_positive_pair_cells(sparse, split, 3) == zero_positive_pair_cells(
            labels, split, 3
        )
        dense_result = evaluate(labels, split, [0.8, 0.1, 0.1], groups=groups)
        assert evaluate(sparse, split, [0.8, 0.1, 0.1], groups=groups) == dense_result


def test_sparse_label_pairs_on_nih_as_dense(nih_frame: Any) -> None:
    split = np.random.default_rng(0).integers(0, 3, nih_frame.n_rows)
    dense = nih_frame.labels.toarray()
    assert label_pair_distribution(nih_frame.labels, split, 3) == label_pair_distribution(
        dense, split, 3
    )


def label_rows(labels: np.ndarray) -> LabelRows:
    return from_cells(*np.nonzero(labels), labels.shape)


def long_tail_rows(seed: int, n_rows: int, n_classes: int) -> np.ndarray:
    """Bool row labels, 1 to about 6 a row, classes drawn from a long tail."""
    rng = np.random.default_rng(seed)
    labels = np.zeros((n_rows, n_classes), dtype=bool)
    popularity = np.arange(1, n_classes + 1) ** -1.1
    for row, k in enumerate(rng.poisson(2.0, size=n_rows) + 1):
        labels[row, rng.choice(n_classes, size=k, p=popularity / popularity.sum())] = True
    return labels


def assert_every_form_evaluates_alike(rows: LabelRows, seed: int) -> None:
    """`LabelRows`, scipy.sparse CSR and dense labels give equal metrics, to the last bit."""
    rng = np.random.default_rng(seed)
    split = rng.integers(0, 3, rows.shape[0])
    groups = rng.integers(0, max(1, rows.shape[0] // 3), rows.shape[0])
    found = [
        evaluate(labels, split, [0.8, 0.1, 0.1], groups=groups, min_class_positives=10)
        for labels in (rows, rows.tocsr(), rows.toarray())
    ]
    assert found[0] == found[1] == found[2]
    assert found[0].label_pair_distribution > 0


def test_nih_label_rows_evaluate_as_csr_and_dense(nih_frame: Any) -> None:
    assert_every_form_evaluates_alike(nih_frame.label_rows, seed=0)


@pytest.mark.parametrize("seed", [0, 1])
def test_label_rows_of_2000_classes_evaluate_as_csr_and_dense(seed: int) -> None:
    assert_every_form_evaluates_alike(label_rows(long_tail_rows(seed, 3000, 2000)), seed)


def test_label_rows_pairs_are_counted_in_chunks_without_changing_lpd(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    labels = long_tail_rows(2, 3000, 40)
    split = np.random.default_rng(3).integers(0, 3, labels.shape[0])
    whole = label_pair_distribution(label_rows(labels), split, 3)
    monkeypatch.setattr(pairs_module, "PAIR_CHUNK_ROWS", 97)
    assert label_pair_distribution(label_rows(labels), split, 3) == whole
    assert whole == label_pair_distribution(labels, split, 3)


def test_a_csr_with_repeats_and_counts_above_1_pairs_as_its_positives() -> None:
    import scipy.sparse as sp

    # Row 0: class 1 stored twice, class 2 an explicit 0; row 1: classes 0 and 1 hold 2.
    labels = sp.csr_matrix(
        (np.array([1, 1, 1, 0, 2, 2]), np.array([0, 1, 1, 2, 0, 1]), np.array([0, 4, 6, 6, 6])),
        shape=(4, 3),
    )
    split = np.array([0, 1, 0, 1])
    assert label_pair_distribution(labels, split, 2) == label_pair_distribution(
        labels.toarray() != 0, split, 2
    )
