"""Repair existing splits with the fewest moves (`splitguard fix`).

Each leaked group goes whole to the split that holds most of its rows; then classes
below their minimums are topped up by moving the fewest groups. Nothing else moves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from splitguard.aggregate import Aggregates
from splitguard.errors import OptionError
from splitguard.frame import SPLIT_INDEX, LabelFrame
from splitguard.splitter import per_split, shortfall_dicts


@dataclass(frozen=True)
class FixResult:
    frame: LabelFrame
    fractions: dict[str, float]
    minimums: dict[str, list[int]]
    moves: list[dict[str, Any]]
    moves_summary: dict[str, int]
    shortfalls: tuple[dict[str, Any], ...]


def fix_frame(frame: LabelFrame, values: Mapping[str, Any]) -> FixResult:
    """The repaired frame, the moves, and the minimums still unmet."""
    from splitguard.split.repair import leak_lower_bound, repair

    if frame.splits is None:
        raise OptionError(
            "fix repairs existing splits: give SPLIT=PATH inputs (train=a.csv test=b.csv) "
            "or one table with --split-col."
        )
    names = frame.split_names
    rows_by_split = Aggregates.of(frame).group_rows_by_split
    fractions = _fractions(values.get("fractions"), names, rows_by_split)
    minimums = {
        "positives": per_split(names, values.get("min-positives") or {}, "min-positives"),
        "positive_groups": per_split(
            names, values.get("min-positive-groups") or {}, "min-positive-groups"
        ),
    }
    try:
        result = repair(
            rows_by_split,
            frame.group_label_counts,
            list(fractions.values()),
            min_positives=minimums["positives"],
            min_positive_groups=minimums["positive_groups"],
            seed=values.get("seed") or 0,
        )
    except ValueError as exc:
        raise OptionError(f"the repair cannot be made: {exc}") from None
    moves = [
        {
            "group": str(frame.group_names[move.group]),
            "from": [names[s] for s in move.from_splits],
            "to": names[move.to_split],
            "rows": move.rows_moved,
        }
        for move in result.moves
    ]
    shortfalls = shortfall_dicts(result.shortfalls, frame.classes, names)
    repaired = dataclasses.replace(
        frame, splits=result.group_split[frame.groups].astype(SPLIT_INDEX)
    )
    return FixResult(
        frame=repaired,
        fractions=fractions,
        minimums=minimums,
        moves=moves,
        moves_summary={
            "groups": len(moves),
            "rows": result.rows_moved,
            "lower_bound_rows": leak_lower_bound(rows_by_split),
        },
        shortfalls=shortfalls,
    )


def _fractions(
    requested: Mapping[str, float] | None, names: tuple[str, ...], rows_by_split: np.ndarray
) -> dict[str, float]:
    """The requested fractions, or the splits' current shares of rows."""
    if requested:
        if set(requested) != set(names):
            raise OptionError(
                f"--fractions names {', '.join(requested)}; the input's splits are "
                f"{', '.join(names)}. Name the same splits."
            )
        return {name: float(requested[name]) for name in names}
    rows = rows_by_split.sum(axis=0)
    return {name: float(n / rows.sum()) for name, n in zip(names, rows, strict=True)}
