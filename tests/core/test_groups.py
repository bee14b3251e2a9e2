"""splitguard.core.groups: rows sharing a value in ANY group column are one group, transitively."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from splitguard.core.groups import MISSING, MISSING_KEYS, group_rows, without_missing_keys


def keys(*columns: list[str | None]) -> list[pa.ChunkedArray]:
    return [pa.chunked_array([pa.array(c, pa.string())]) for c in columns]


def partition(groups: np.ndarray) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(groups == g).tolist()) for g in np.unique(groups)}


def ids(n: int) -> np.ndarray:
    return np.array([str(i) for i in range(n)], dtype=object)


def test_no_group_column_makes_each_row_its_own_group() -> None:
    groups, names = group_rows([], row_ids=np.array(["b", "a", None], dtype=object))
    assert partition(groups) == {frozenset({0}), frozenset({1}), frozenset({2})}
    assert names[groups].tolist() == ["b", "a", f"{MISSING} row 3"]


def test_one_column_and_string_keys_stay_distinct() -> None:
    patient = ["000123", "123", "123456789012345678901234", "123", "000123"]
    groups, names = group_rows(keys(patient), row_ids=ids(5))
    assert partition(groups) == {frozenset({0, 4}), frozenset({1, 3}), frozenset({2})}
    assert names[groups].tolist() == patient


def test_missing_key_is_a_group_of_its_own() -> None:
    groups, names = group_rows(keys(["p", None, None, "p"]), row_ids=ids(4))
    assert partition(groups) == {frozenset({0, 3}), frozenset({1}), frozenset({2})}
    assert names[groups[1]] == f"{MISSING} row 2"


def test_second_key_links_patients_transitively() -> None:
    # A shares study s1 with B; B shares file h2 with C: one group. D stands alone.
    patient = ["A", "B", "B", "C", "D"]
    study = ["s1", "s1", "s2", "s3", "s4"]
    sha = ["h1", "h2", "h3", "h2", "h5"]
    groups, names = group_rows(keys(patient, study, sha), row_ids=ids(5))
    assert partition(groups) == {frozenset({0, 1, 2, 3}), frozenset({4})}
    assert names[groups].tolist() == ["A", "A", "A", "A", "D"]


def test_group_is_named_after_its_first_column_key() -> None:
    # Row 3 has no patient; its group still takes a patient id as its name.
    groups, names = group_rows(
        keys(["P9", "P1", None, "P5", "Z"], ["S1", "S1", "S2", "S2", None]), row_ids=ids(5)
    )
    assert names[groups].tolist() == ["P1", "P1", "P5", "P5", "Z"]
    only_second = group_rows(keys([None, None], ["S7", "S7"]), row_ids=ids(2))
    assert only_second[1].tolist() == ["2:S7"]


def test_rows_without_any_key_stay_apart() -> None:
    groups, _ = group_rows(keys(["a", None, None], ["s", None, None]), row_ids=ids(3))
    assert len(partition(groups)) == 3


def _reference(columns: list[list[str | None]]) -> set[frozenset[int]]:
    """Union-find over rows, the slow obvious way."""
    n = len(columns[0])
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i):
            if any(c[i] is not None and c[i] == c[j] for c in columns):
                parent[find(i)] = find(j)
    return {frozenset(i for i in range(n) if find(i) == root) for root in set(map(find, range(n)))}


KEY = st.one_of(st.none(), st.sampled_from(["1", "01", "2", "x", "y", "z"]))


@settings(max_examples=60, deadline=None)
@given(
    data=st.integers(1, 3).flatmap(
        lambda width: st.lists(
            st.lists(KEY, min_size=width, max_size=width), min_size=1, max_size=20
        )
    ),
    seed=st.integers(0, 2**16),
)
def test_groups_match_union_find_and_do_not_depend_on_row_order(
    data: list[list[str | None]], seed: int
) -> None:
    columns = [list(c) for c in zip(*data, strict=True)]
    groups, names = group_rows(keys(*columns), row_ids=ids(len(data)))
    assert partition(groups) == _reference(columns)
    assert groups.max() + 1 == len(names) and sorted(names.tolist()) == names.tolist()

    order = np.random.default_rng(seed).permutation(len(data))
    shuffled = [[c[i] for i in order] for c in columns]
    moved, moved_names = group_rows(keys(*shuffled), row_ids=ids(len(data))[order])
    keyed = [name for name in names.tolist() if not name.startswith(MISSING)]
    assert [n for n in moved_names.tolist() if not n.startswith(MISSING)] == keyed
    named = [i for i in range(len(data)) if not names[groups[i]].startswith(MISSING)]
    position = {int(row): k for k, row in enumerate(order)}
    for row in named:
        assert moved_names[moved[position[row]]] == names[groups[row]]


def test_without_missing_keys_only_touches_missing_cells() -> None:
    column = pa.chunked_array([pa.array(["p", " NaN ", "None", None, "nan-1", "null"])])
    assert without_missing_keys(column).to_pylist() == ["p", None, None, None, "nan-1", None]
    dictionary = pa.chunked_array([pa.array(["a", "NA", "a"]).dictionary_encode()])
    assert without_missing_keys(dictionary).to_pylist() == ["a", None, "a"]
    numbers = pa.chunked_array([pa.array([1, 2])])
    assert without_missing_keys(numbers) is numbers
    assert "NaN" in MISSING_KEYS and "" in MISSING_KEYS and "none" not in MISSING_KEYS
