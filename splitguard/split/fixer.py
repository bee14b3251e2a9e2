"""Repair existing splits (`splitguard fix`).

Each leaked group goes whole to one split; by default every split then stays within a
point of its share with the fewest rows moved and class shares kept (``--fewest-moves``:
each leaked group goes to the split holding most of its rows, and sizes drift). Classes
below their minimums are topped up last.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from splitguard.core.aggregate import Aggregates
from splitguard.core.errors import OptionError
from splitguard.core.frame import SPLIT_INDEX, LabelFrame
from splitguard.core.shortfalls import MinimumSpec, asked, train_index, unmet


@dataclass(frozen=True, slots=True)
class FixRequest:
    """What the user asked of a repair: the fractions (None: each split's current share),
    minimums, seed, whether to move only the leaked groups, and how to check the result."""

    fractions: Mapping[str, float] | None = None
    minimums: MinimumSpec = field(default_factory=lambda: MinimumSpec({}, {}, {}))
    seed: int = 0
    fewest_moves: bool = False
    fail_on: str = "error"
    hide_ids: bool = False
    schema: str | None = None


@dataclass(frozen=True)
class FixResult:
    frame: LabelFrame
    fractions: dict[str, float]
    minimums: MinimumSpec
    moves: list[dict[str, Any]]
    moves_summary: dict[str, Any]
    shortfalls: tuple[dict[str, Any], ...]


def fix_frame(frame: LabelFrame, request: FixRequest) -> FixResult:
    """The repaired frame, the moves, and the minimums still unmet."""
    from splitguard.split.repair import leak_lower_bound, repair
    from splitguard.split.resize import SIZE_TOLERANCE, size_windows

    if frame.splits is None:
        raise OptionError(
            "fix repairs existing splits: give SPLIT=PATH inputs (train=a.csv test=b.csv) "
            "or one table with --split-col."
        )
    names = frame.split_names
    rows_by_split = Aggregates.of(frame).group_rows_by_split
    fractions = _fractions(request.fractions, names, rows_by_split)
    minimums = request.minimums
    wanted = asked(minimums, names, frame.classes, frame)
    try:
        result = repair(
            rows_by_split,
            frame.group_label_counts,
            list(fractions.values()),
            min_positives=wanted.positives,
            min_positive_groups=wanted.positive_groups,
            train=train_index(names),
            train_floor=minimums.train_floor,
            seed=request.seed,
            fewest_moves=request.fewest_moves,
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
    repaired = dataclasses.replace(
        frame, splits=result.group_split[frame.groups].astype(SPLIT_INDEX)
    )
    # Measured on the result as the coverage rule measures it, so report and findings agree.
    shares = list(fractions.values())
    shortfalls = tuple(u.as_dict() for u in unmet(repaired, minimums, shares))
    before = rows_by_split.sum(axis=0)
    after = np.bincount(result.group_split, weights=rows_by_split.sum(axis=1), minlength=len(names))
    low, high = size_windows(np.array(list(fractions.values())), int(before.sum()))
    return FixResult(
        frame=repaired,
        fractions=fractions,
        minimums=minimums,
        moves=moves,
        moves_summary={
            "mode": "fewest-moves" if request.fewest_moves else "balanced",
            "groups": len(moves),
            "rows": result.rows_moved,
            "lower_bound_rows": leak_lower_bound(rows_by_split),
            "size_tolerance": SIZE_TOLERANCE,
            "sizes_before": _by_name(names, before),
            "sizes_after": _by_name(names, after),
            "sizes_within_tolerance": bool(((after >= low) & (after <= high)).all()),
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


def _by_name(names: tuple[str, ...], rows: np.ndarray) -> dict[str, int]:
    return {name: int(n) for name, n in zip(names, rows, strict=True)}
