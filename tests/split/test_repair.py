"""Invariants of the repair (splitguard.split.repair): balanced by default, or fewest moves."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from splitguard.split.repair import leak_lower_bound, repair
from splitguard.split.resize import size_windows

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
    result = repair(rows_by_split, counts, FRACTIONS, seed=seed, fewest_moves=True)
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
@example(table=random_split_table(seed=5, n_groups=16, n_classes=4), minimum=1, seed=0)
def test_top_up_moves_only_carriers_of_a_class_short_in_their_new_split(
    table: tuple[Rows, Rows], minimum: int, seed: int
) -> None:
    rows_by_split, counts = table
    leaks_only = repair(rows_by_split, counts, FRACTIONS, seed=seed, fewest_moves=True)
    result = repair(
        rows_by_split,
        counts,
        FRACTIONS,
        min_positives=[0, minimum, minimum],
        seed=seed,
        fewest_moves=True,
    )
    short = np.stack([counts[leaks_only.group_split == s].sum(axis=0) < minimum for s in range(3)])
    short[0] = False
    for group in np.flatnonzero(result.group_split != leaks_only.group_split):
        destination = result.group_split[group]
        rows = rows_by_split[group]
        # A leaked group whose rows tie between splits may settle in either at the same
        # cost; the minimums only move groups off their fewest-moves split for a short class.
        tied = (rows > 0).sum() > 1 and rows[destination] == rows.max()
        assert tied or (short[destination] & (counts[group] > 0)).any()
    for split in (1, 2):
        reached = counts[result.group_split == split].sum(axis=0) >= minimum
        missed = {f.class_index for f in result.shortfalls if f.split_index == split}
        assert set(np.flatnonzero(~reached).tolist()) == missed


def with_singletons(table: tuple[Rows, Rows]) -> tuple[Rows, Rows]:
    """The table plus, in every split, as many one-row groups without labels as the table
    has rows: whatever the leaks and the minimums do to the sizes, moving these can undo
    it exactly."""
    rows_by_split, counts = table
    singles = np.repeat(np.eye(3, dtype=np.int64), int(rows_by_split.sum()), axis=0)
    no_labels = np.zeros((singles.shape[0], counts.shape[1]), dtype=np.int64)
    return np.vstack([rows_by_split, singles]), np.vstack([counts, no_labels])


@settings(max_examples=40, deadline=None)
@given(table=tables.map(with_singletons), minimum=st.integers(0, 6), seed=st.integers(0, 50))
def test_balanced_repair_keeps_every_split_within_a_point_of_its_share(
    table: tuple[Rows, Rows], minimum: int, seed: int
) -> None:
    rows_by_split, counts = table
    shares = rows_by_split.sum(axis=0) / rows_by_split.sum()
    minimums = [0, minimum, minimum]
    result = repair(rows_by_split, counts, shares.tolist(), min_positives=minimums, seed=seed)
    low, high = size_windows(shares, int(rows_by_split.sum()))
    sizes = np.bincount(result.group_split, weights=rows_by_split.sum(axis=1), minlength=3)
    assert ((sizes >= low) & (sizes <= high)).all(), (sizes, low, high)
    leaked = (rows_by_split > 0).sum(axis=1) > 1
    assert set(np.flatnonzero(leaked).tolist()) <= {move.group for move in result.moves}
    for move in result.moves:
        kept = rows_by_split[move.group, move.to_split]
        assert move.rows_moved == rows_by_split[move.group].sum() - kept > 0
    assert result.rows_moved >= leak_lower_bound(rows_by_split)
    for split in (1, 2):
        reached = counts[result.group_split == split].sum(axis=0) >= minimum
        missed = {f.class_index for f in result.shortfalls if f.split_index == split}
        assert set(np.flatnonzero(~reached).tolist()) == missed
    again = repair(rows_by_split, counts, shares.tolist(), min_positives=minimums, seed=seed)
    assert np.array_equal(again.group_split, result.group_split)


@settings(max_examples=40, deadline=None)
@given(table=tables, seed=st.integers(0, 50))
def test_balanced_repair_of_leak_free_splits_at_their_shares_moves_nothing(
    table: tuple[Rows, Rows], seed: int
) -> None:
    rows_by_split, counts = table
    placed = repair(rows_by_split, counts, FRACTIONS, seed=seed, fewest_moves=True).group_split
    clean = np.zeros_like(rows_by_split)
    clean[np.arange(placed.size), placed] = rows_by_split.sum(axis=1)
    shares = clean.sum(axis=0) / clean.sum()
    result = repair(clean, counts, shares.tolist(), seed=seed)
    assert result.moves == ()
    assert np.array_equal(result.group_split, placed)


def test_balanced_repair_gets_as_near_as_whole_groups_allow() -> None:
    # One patient holds 60 of 100 rows, leaked over train and test: wherever it goes, its
    # split cannot be within a point of 50%. The rest are one-row groups.
    rows_by_split = np.array([[30, 0, 30]] + [[1, 0, 0]] * 20 + [[0, 1, 0]] * 10 + [[0, 0, 1]] * 10)
    counts = np.zeros((rows_by_split.shape[0], 1), dtype=np.int64)
    shares = rows_by_split.sum(axis=0) / rows_by_split.sum()
    result = repair(rows_by_split, counts, shares.tolist())
    sizes = np.bincount(result.group_split, weights=rows_by_split.sum(axis=1), minlength=3)
    assert sizes.sum() == 100
    assert sizes[result.group_split[0]] == 60  # every other group left the giant's split
    assert sizes.max() == 60


def test_tied_shares_go_where_the_targets_need_rows() -> None:
    # Group 0 splits 1:1 between train and test; test is empty, train is full.
    rows_by_split = np.array([[1, 0, 1], [0, 0, 0], [0, 1, 0]] + [[1, 0, 0]] * 20)
    rows_by_split[1] = [5, 0, 0]
    counts = np.zeros((rows_by_split.shape[0], 1), dtype=np.int64)
    result = repair(rows_by_split, counts, FRACTIONS, fewest_moves=True)
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


def test_nih_fewest_moves_meets_the_leak_bound(nih: Any) -> None:
    rows_by_split = _nih_row_split(nih)
    result = repair(rows_by_split, nih.group_label_counts, FRACTIONS, fewest_moves=True)
    assert result.rows_moved == leak_lower_bound(rows_by_split)


def _nih_row_split(nih: Any) -> Rows:
    """NIH's rows per patient and split after a random 80/10/10 split of its rows."""
    rng = np.random.default_rng(0)
    row_split = rng.choice(3, size=nih.groups.size, p=FRACTIONS)
    rows_by_split = np.zeros((nih.group_sizes.size, 3), dtype=np.int64)
    np.add.at(rows_by_split, (nih.groups, row_split), 1)
    return rows_by_split


def _lp_bound() -> Callable[[Rows, npt.NDArray[np.float64]], float]:
    """The LP bound of the balanced repair, as bench/fix_bench.py computes it."""
    path = Path(__file__).parents[2] / "bench" / "fix_bench.py"
    spec = importlib.util.spec_from_file_location("fix_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    bound: Callable[[Rows, npt.NDArray[np.float64]], float] = module.lp_bound
    return bound


def test_nih_balanced_repair_keeps_sizes_and_class_shares_near_the_lp_bound(nih: Any) -> None:
    rows_by_split = _nih_row_split(nih)
    counts = nih.group_label_counts
    shares = rows_by_split.sum(axis=0) / rows_by_split.sum()
    result = repair(rows_by_split, counts, shares.tolist(), min_positives=[0, 20, 20])
    low, high = size_windows(shares, int(rows_by_split.sum()))
    sizes = np.bincount(result.group_split, weights=rows_by_split.sum(axis=1), minlength=3)
    assert ((sizes >= low) & (sizes <= high)).all(), sizes
    assert result.rows_moved <= 1.10 * _lp_bound()(rows_by_split, shares)
    positives = np.stack([counts[result.group_split == s].sum(axis=0) for s in range(3)])
    class_shares = positives / positives.sum(axis=0)
    assert np.abs(class_shares - (sizes / sizes.sum())[:, None]).max() < 0.01
    assert result.shortfalls == ()
    assert positives[1:].min() >= 20
