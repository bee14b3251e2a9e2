"""Invariants of the fewest-moves repair (splitguard.split.repair)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitguard.split.repair import leak_lower_bound, repair

Rows = npt.NDArray[np.int64]
FRACTIONS = (0.8, 0.1, 0.1)


def random_split_table(seed: int, n_groups: int, n_classes: int) -> tuple[Rows, Rows]:
    """Rows of each group spread over 3 splits at random, and its positives per class."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 7, size=n_groups)
    rows_by_split = np.stack([rng.multinomial(n, FRACTIONS) for n in sizes])
    prevalence = 0.3 / np.arange(1, n_classes + 1)
    counts = rng.binomial(sizes[:, None], prevalence)
    return rows_by_split.astype(np.int64), counts.astype(np.int64)


tables = st.builds(
    random_split_table,
    seed=st.integers(0, 2**16),
    n_groups=st.integers(1, 300),
    n_classes=st.integers(1, 5),
)


@settings(max_examples=60, deadline=None)
@given(table=tables, seed=st.integers(0, 50))
def test_without_minimums_only_leaked_groups_move_and_the_bound_is_met(
    table: tuple[Rows, Rows], seed: int
) -> None:
    rows_by_split, counts = table
    result = repair(rows_by_split, counts, FRACTIONS, seed=seed)
    chosen = rows_by_split[np.arange(rows_by_split.shape[0]), result.group_split]
    assert (chosen == rows_by_split.max(axis=1)).all()
    leaked = (rows_by_split > 0).sum(axis=1) > 1
    assert {move.group for move in result.moves} == set(np.flatnonzero(leaked).tolist())
    assert result.rows_moved == leak_lower_bound(rows_by_split)
    for move in result.moves:
        assert move.to_split not in move.from_splits
        assert all(rows_by_split[move.group, s] > 0 for s in move.from_splits)


@settings(max_examples=60, deadline=None)
@given(table=tables, minimum=st.integers(1, 6), seed=st.integers(0, 50))
def test_top_up_moves_only_carriers_of_a_class_short_in_their_new_split(
    table: tuple[Rows, Rows], minimum: int, seed: int
) -> None:
    rows_by_split, counts = table
    leaks_only = repair(rows_by_split, counts, FRACTIONS, seed=seed).group_split
    result = repair(
        rows_by_split, counts, FRACTIONS, min_positives=[0, minimum, minimum], seed=seed
    )
    short = np.stack([counts[leaks_only == s].sum(axis=0) < minimum for s in range(3)])
    short[0] = False
    for group in np.flatnonzero(result.group_split != leaks_only):
        destination = result.group_split[group]
        assert (short[destination] & (counts[group] > 0)).any()
    for split in (1, 2):
        reached = counts[result.group_split == split].sum(axis=0) >= minimum
        missed = {f.class_index for f in result.shortfalls if f.split_index == split}
        assert set(np.flatnonzero(~reached).tolist()) == missed


def test_tied_shares_go_where_the_targets_need_rows() -> None:
    # Group 0 splits 1:1 between train and test; test is empty, train is full.
    rows_by_split = np.array([[1, 0, 1], [0, 0, 0], [0, 1, 0]] + [[1, 0, 0]] * 20)
    rows_by_split[1] = [5, 0, 0]
    counts = np.zeros((rows_by_split.shape[0], 1), dtype=np.int64)
    result = repair(rows_by_split, counts, FRACTIONS)
    assert result.group_split[0] == 2
    assert result.rows_moved == 1


@pytest.mark.parametrize(
    ("rows_by_split", "fractions", "shown"),
    [
        ([[1, 0], [0, 2]], FRACTIONS, "has 2 splits"),
        ([[1, -1, 0]], FRACTIONS, "-1"),
        ([[0, 0, 0]], FRACTIONS, "got 0"),
        ([[1, 0, 0]], (0.5, 0.2, 0.2), "0.9"),
    ],
)
def test_bad_requests_raise_value_error(
    rows_by_split: list[list[int]], fractions: tuple[float, ...], shown: str
) -> None:
    counts = np.zeros((len(rows_by_split), 1), dtype=np.int64)
    with pytest.raises(ValueError) as error:
        repair(np.array(rows_by_split), counts, fractions)
    assert shown in str(error.value)


def test_nih_random_row_split_is_repaired_close_to_the_bound(nih: Any) -> None:
    rng = np.random.default_rng(0)
    row_split = rng.choice(3, size=nih.groups.size, p=FRACTIONS)
    rows_by_split = np.zeros((nih.group_sizes.size, 3), dtype=np.int64)
    np.add.at(rows_by_split, (nih.groups, row_split), 1)
    result = repair(rows_by_split, nih.group_label_counts, FRACTIONS, min_positives=[0, 20, 20])
    bound = leak_lower_bound(rows_by_split)
    assert bound <= result.rows_moved <= 1.05 * bound
    assert result.shortfalls == ()
    for split in (1, 2):
        assert nih.group_label_counts[result.group_split == split].sum(axis=0).min() >= 20
