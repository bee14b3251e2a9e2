"""Label pairs counted per group (splitguard.split.pairs)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitguard.core.labels import from_cells
from splitguard.split import pairs as pairs_module
from splitguard.split.pairs import PairCounts, label_pairs, validate_pairs

Rows = tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], int]


def random_rows(seed: int, n_rows: int, n_classes: int) -> Rows:
    """Rows with 0-4 labels each, in groups of 1-4 rows."""
    rng = np.random.default_rng(seed)
    labels = rng.random((n_rows, n_classes)) < rng.uniform(0.05, 0.5)
    group_index = np.sort(rng.integers(0, max(1, n_rows // 2), size=n_rows))
    _, group_index = np.unique(group_index, return_inverse=True)
    return labels, group_index.astype(np.int64), int(group_index.max(initial=-1)) + 1


def brute_force(
    labels: npt.NDArray[np.bool_], group_index: npt.NDArray[np.int64], n_groups: int
) -> dict[tuple[int, int], npt.NDArray[np.int64]]:
    """Per pair present in some row, the rows positive for both per group."""
    found = {}
    n_classes = labels.shape[1]
    for j in range(n_classes):
        for k in range(j + 1, n_classes):
            both = labels[:, j] & labels[:, k]
            if both.any():
                found[(j, k)] = np.bincount(group_index[both], minlength=n_groups)
    return found


def dense(counts: PairCounts) -> npt.NDArray[np.float64]:
    return counts.block(np.arange(counts.n_groups))


rows = st.builds(
    random_rows,
    seed=st.integers(0, 2**16),
    n_rows=st.integers(0, 400),
    n_classes=st.integers(0, 7),
)


@settings(max_examples=60, deadline=None)
@given(table=rows)
def test_pair_rows_per_group_match_a_brute_force_count(table: Rows) -> None:
    labels, group_index, n_groups = table
    counts = label_pairs(labels, group_index, n_groups)
    expected = brute_force(labels, group_index, n_groups)
    kept = {
        pair: column
        for pair, column in expected.items()
        if (column > 0).sum() >= pairs_module.MIN_PAIR_GROUPS
    }
    assert [tuple(pair) for pair in counts.classes.tolist()] == sorted(kept)
    assert counts.n_groups == n_groups
    matrix = dense(counts)
    for index, pair in enumerate(sorted(kept)):
        assert np.array_equal(matrix[:, index], kept[pair])
    rows = label_pairs(from_cells(*np.nonzero(labels), labels.shape), group_index, n_groups)
    assert np.array_equal(rows.classes, counts.classes)
    assert np.array_equal(dense(rows), matrix)


def test_rows_are_read_in_chunks_without_changing_the_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    labels, group_index, n_groups = random_rows(7, 3000, 6)
    whole = label_pairs(labels, group_index, n_groups)
    monkeypatch.setattr(pairs_module, "PAIR_CHUNK_ROWS", 97)
    chunked = label_pairs(labels, group_index, n_groups)
    assert np.array_equal(whole.classes, chunked.classes)
    assert np.array_equal(dense(whole), dense(chunked))


def test_pair_totals_are_summed_in_chunks_without_changing_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    labels, group_index, n_groups = random_rows(5, 3000, 6)
    counts = label_pairs(labels, group_index, n_groups)
    groups = np.random.default_rng(1).permutation(n_groups)[: n_groups - 3]
    splits = np.random.default_rng(2).integers(0, 3, size=groups.size)
    whole = counts.totals(groups, splits, 3)
    expected = np.zeros((3, counts.n_pairs))
    np.add.at(expected, splits, dense(counts)[groups])
    assert np.array_equal(whole, expected)
    monkeypatch.setattr(pairs_module, "TOTALS_CHUNK", 7)
    assert np.array_equal(counts.totals(groups, splits, 3), whole)


def test_only_the_most_widespread_pairs_are_kept_and_ties_go_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pair (0, 1) is positive in 12 groups, (0, 2) and (1, 2) in 11 each, (2, 3) in 3.
    labels = np.zeros((40, 4), dtype=bool)
    labels[:12, [0, 1]] = True
    labels[12:23, [0, 2]] = True
    labels[23:34, [1, 2]] = True
    labels[34:37, [2, 3]] = True
    group_index = np.arange(40, dtype=np.int64)
    assert label_pairs(labels, group_index, 40).classes.tolist() == [[0, 1], [0, 2], [1, 2]]
    monkeypatch.setattr(pairs_module, "MAX_PAIRS", 2)
    # The second and third pairs tie: keeping one of them would depend on column order.
    assert label_pairs(labels, group_index, 40).classes.tolist() == [[0, 1]]


def test_class_order_renumbers_the_pairs_canonically() -> None:
    labels, group_index, n_groups = random_rows(11, 2000, 5)
    permutation = np.array([3, 0, 4, 1, 2])
    original = label_pairs(labels, group_index, n_groups)
    permuted = label_pairs(labels[:, permutation], group_index, n_groups)
    order = np.arange(5)
    # Column c of the permuted table is column permutation[c] of the original.
    one = original.in_class_order(order)
    other = permuted.in_class_order(np.argsort(permutation)[order])
    assert np.array_equal(one.classes, other.classes)
    assert np.array_equal(dense(one), dense(other))
    # The entries too, in the same order: the refinement sums floats over them in order.
    assert np.array_equal(one.indptr, other.indptr)
    assert np.array_equal(one.pair, other.pair)
    assert np.array_equal(one.count, other.count)


def test_pairs_must_fit_the_counts() -> None:
    labels, group_index, n_groups = random_rows(3, 500, 4)
    counts = label_pairs(labels, group_index, n_groups)
    with pytest.raises(ValueError, match=f"describe {n_groups + 1} groups"):
        validate_pairs(counts, (n_groups + 1, 4), np.arange(4))
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        validate_pairs(counts, (n_groups, 2), np.arange(2))
