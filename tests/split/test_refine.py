"""The refinement's search (splitguard.split.refine): its candidates, its ledger, when it stops."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from splitguard.split import refine
from splitguard.split.stratify import assign_rows

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from tagging_data import tagging_table

REQUEST: dict[str, Any] = {
    "min_positives": [0, 5, 5],
    "min_positive_groups": [1, 1, 1],
    "train": 0,
}


def _rounds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the refinement's rounds from now on: one entry per round, how many applied."""
    rounds: list[int] = []
    improve = refine._improve

    def counted(*args: Any, **options: Any) -> int:
        rounds.append(improve(*args, **options))
        return rounds[-1]

    monkeypatch.setattr(refine, "_improve", counted)
    return rounds


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_many_classes_reach_their_targets_in_fewer_rounds(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    # 10,000 groups over 192 classes (the PadChest-like shape, a quarter of its rows): the
    # plain best cells took 75, 48 and 44 rounds for seeds 0-2; spread over distinct
    # groups, with the stopping rule, 32, 32 and 28.
    table = tagging_table(40_000, 192, seed=1)
    rounds = _rounds(monkeypatch)
    result = assign_rows(table.labels, table.group_index, [0.8, 0.1, 0.1], seed=seed, **REQUEST)
    assert len(rounds) <= 36
    assert result.shortfalls == ()


def test_rounds_stop_once_they_stop_lowering_the_objective(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every round "applies" a move that changes nothing: only the stopping rule ends them
    # (before it, they ran to MAX_ROUNDS).
    rounds: list[int] = []

    def idle_gain(*args: Any, **options: Any) -> int:
        rounds.append(1)
        return 1

    monkeypatch.setattr(refine, "_improve", idle_gain)
    table = tagging_table(4_000, 20, seed=0)
    assign_rows(table.labels, table.group_index, [0.8, 0.1, 0.1], seed=0, **REQUEST)
    assert len(rounds) == refine.STOP_WINDOW


def test_the_ledger_kept_between_rounds_stays_equal_to_the_split_totals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept: list[tuple[Any, Any]] = []
    of = refine._Ledger.of

    def recorded(state: Any, goal: refine.Objective) -> Any:
        kept.append((of(state, goal), state))
        return kept[-1][0]

    monkeypatch.setattr(refine._Ledger, "of", staticmethod(recorded))
    rounds = _rounds(monkeypatch)
    table = tagging_table(8_000, 300, seed=3)
    assign_rows(table.labels, table.group_index, [0.8, 0.1, 0.1], seed=1, **REQUEST)
    assert len(kept) == 1 and sum(rounds) > 0
    ledger, state = kept[0]
    # Label pairs are balanced afterwards by swaps of groups with equal class counts,
    # which leave these totals as the refinement left them.
    assert ledger.positives == state.positives.tolist()
    assert ledger.positive_groups == state.positive_groups.tolist()


def test_spread_candidates_are_the_best_cells_of_distinct_groups_best_first() -> None:
    scores = np.array(
        [
            [-5.0, -4.0, 1.0],
            [-3.0, np.inf, -1.0],
            [-4.0, -2.0, 0.0],
        ]
    )
    swaps = refine._spread_cells(scores, distinct_columns=True)
    assert swaps == [(0, 0), (2, 1), (1, 2)]
    moves = refine._spread_cells(scores, distinct_columns=False)
    assert moves == [(0, 0), (2, 0), (1, 0)]


def test_spread_candidates_break_ties_by_position_and_keep_only_gains() -> None:
    scores = np.full((40, 40), -1.0)
    scores[:, 0] = 0.0
    cells = refine._spread_cells(scores, distinct_columns=True)
    assert cells == [(i, i + 1) for i in range(refine.SPREAD_CANDIDATES)]
    assert refine._spread_cells(np.zeros((5, 5)), distinct_columns=True) == []
