"""splitguard.core.arrays: sorted_unique (np.unique's answer without its hash path),
spans (the positions of CSR rows), equal_pairs (a join on equal values) and smallest (the
k smallest, ties by index)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from splitguard.core.arrays import equal_pairs, smallest, sorted_unique, spans


@given(arrays(st.sampled_from([np.int8, np.int32, np.int64, np.uint16]), st.integers(0, 200)))
def test_sorted_unique_is_np_unique(values: np.ndarray) -> None:
    got = sorted_unique(values)
    expected = np.unique(values)
    assert got.dtype == expected.dtype
    assert got.tolist() == expected.tolist()


@pytest.mark.parametrize("shape", [(0,), (1,), (3, 4)])
def test_sorted_unique_flattens_as_np_unique_does(shape: tuple[int, ...]) -> None:
    values = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape) % 5
    assert sorted_unique(values).tolist() == np.unique(values).tolist()


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 6)), max_size=30))
def test_spans_lists_every_position_of_every_range_in_order(ranges: list[tuple[int, int]]) -> None:
    starts = np.array([start for start, _ in ranges], dtype=np.int64)
    lengths = np.array([length for _, length in ranges], dtype=np.int64)
    owner, positions = spans(starts, lengths)
    expected = [(i, start + k) for i, (start, length) in enumerate(ranges) for k in range(length)]
    assert list(zip(owner.tolist(), positions.tolist(), strict=True)) == expected


@given(st.lists(st.integers(0, 5), max_size=20), st.lists(st.integers(0, 5), max_size=20))
def test_equal_pairs_joins_every_key_with_every_equal_value(
    keys: list[int], values: list[int]
) -> None:
    value_array = np.array(values, dtype=np.int64)
    order = np.argsort(value_array, kind="stable")
    i, j = equal_pairs(np.array(keys, dtype=np.int64), value_array[order], order)
    expected = [
        (a, b) for a, key in enumerate(keys) for b, value in enumerate(values) if key == value
    ]
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == expected


@given(
    st.lists(st.sampled_from([-2.0, -1.0, -0.5, 0.0, 3.0, np.inf, np.nan]), max_size=40),
    st.integers(0, 45),
)
def test_smallest_takes_the_k_smallest_smallest_first_ties_by_index(
    values: list[float], k: int
) -> None:
    # Few distinct values, so most draws have ties across the k-th place.
    key = [(np.isnan(v), 0.0 if np.isnan(v) else v, i) for i, v in enumerate(values)]
    expected = [i for _, _, i in sorted(key)][:k]
    assert smallest(np.array(values, dtype=np.float64), k).tolist() == expected
