"""Sparse group x class counts (splitguard.split.counts): the same cells whatever the input."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
import scipy.sparse as sp

from splitguard.core.frame import LabelFrame
from splitguard.core.labels import from_cells
from splitguard.split.counts import GroupCounts, from_rows
from splitguard.split.validate import validate_counts


def wide_rows(
    seed: int, n_rows: int = 3000, n_classes: int = 2000
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], int]:
    """Bool row labels over many classes (a long tail), rows in groups of about 3."""
    rng = np.random.default_rng(seed)
    labels = np.zeros((n_rows, n_classes), dtype=bool)
    popularity = np.arange(1, n_classes + 1) ** -1.1
    for row, k in enumerate(rng.poisson(2.0, size=n_rows) + 1):
        labels[row, rng.choice(n_classes, size=k, p=popularity / popularity.sum())] = True
    n_groups = n_rows // 3
    return labels, rng.integers(0, n_groups, size=n_rows), n_groups


def dense_counts(
    labels: npt.NDArray[np.bool_], groups: npt.NDArray[np.int64], n: int
) -> npt.NDArray[np.int64]:
    counts = np.zeros((n, labels.shape[1]), dtype=np.int64)
    np.add.at(counts, groups, labels.astype(np.int64))
    return counts


@pytest.mark.parametrize("seed", [0, 1])
def test_dense_csr_and_label_rows_give_the_same_cells_on_2000_classes(seed: int) -> None:
    labels, groups, n_groups = wide_rows(seed)
    expected = dense_counts(labels, groups, n_groups)
    from_dense = from_rows(labels, groups, n_groups)
    from_csr = from_rows(sp.csr_matrix(labels), groups, n_groups)
    from_label_rows = from_rows(from_cells(*np.nonzero(labels), labels.shape), groups, n_groups)
    assert np.array_equal(from_dense.toarray(), expected)
    for counts in (from_csr, from_label_rows):
        assert np.array_equal(counts.indptr, from_dense.indptr)
        assert np.array_equal(counts.classes, from_dense.classes)
        assert np.array_equal(counts.values, from_dense.values)
    assert np.array_equal(from_dense.totals, expected.sum(axis=0))
    assert np.array_equal(from_dense.carrier_counts, (expected > 0).sum(axis=0))
    assert np.array_equal(from_dense.group_positives, expected.sum(axis=1))


def test_nih_rows_give_the_frame_group_counts(nih: LabelFrame) -> None:
    for labels in (nih.labels, nih.label_rows):
        counts = from_rows(labels, nih.groups, nih.n_groups)
        assert np.array_equal(counts.toarray(), nih.group_label_counts.toarray())


def test_a_csr_with_explicit_zeros_and_repeats_counts_positives_only() -> None:
    # Row 0: class 1 stored twice (sums to 2: still one positive), class 2 an explicit 0.
    labels = sp.csr_matrix(
        (np.array([1, 1, 0, 1]), np.array([1, 1, 2, 0]), np.array([0, 3, 4])), shape=(2, 3)
    )
    counts = from_rows(labels, np.array([0, 0]), 1)
    assert counts.toarray().tolist() == [[1, 1, 0]]


def test_columns_carriers_and_permutation_agree_with_the_dense_matrix() -> None:
    labels, groups, n_groups = wide_rows(2, n_rows=900, n_classes=40)
    dense = dense_counts(labels, groups, n_groups)
    counts = from_rows(labels, groups, n_groups)
    some = np.random.default_rng(0).choice(n_groups, size=50, replace=False)
    for c in range(40):
        assert np.array_equal(counts.carriers_of(c), np.flatnonzero(dense[:, c]))
        assert np.array_equal(counts.column(some, c), dense[some, c])
    order = np.random.default_rng(1).permutation(40)
    assert np.array_equal(counts.permuted(order).toarray(), dense[:, order])
    owner, cells = counts.entries(some)
    rebuilt = np.zeros((some.size, 40), dtype=np.int64)
    rebuilt[owner, counts.classes[cells]] = counts.values[cells]
    assert np.array_equal(rebuilt, dense[some])


def test_dense_sparse_and_group_counts_validate_alike() -> None:
    dense = np.array([[0, 2, 0], [1, 0, 0], [0, 0, 0]])
    sizes = np.array([2, 1, 4])
    results = [
        validate_counts(c, sizes)[0] for c in (dense, sp.csr_matrix(dense), sp.coo_matrix(dense))
    ]
    results.append(validate_counts(results[0], sizes)[0])
    for counts in results:
        assert isinstance(counts, GroupCounts)
        assert np.array_equal(counts.toarray(), dense)
    with pytest.raises(ValueError, match="group 0 has 2 positives of class 1 but only 1 rows"):
        validate_counts(sp.csr_matrix(dense), np.array([1, 1, 4]))
    with pytest.raises(ValueError, match="must be >= 0, got -2 for group 0, class 1"):
        validate_counts(sp.csr_matrix(-dense), sizes)
    with pytest.raises(ValueError, match="must be integers"):
        validate_counts(sp.csr_matrix(dense.astype(float)), sizes)
