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
from splitguard.core.shortfalls import MinimumSpec, asked, train_index
from splitguard.split.validate import validate_counts


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
class Repaired:
    """A repair worked out on counts: the new split of every group, and what it took.

    `group_split` (G,) holds a split index per group; `moves` names each moved group
    (from, to, rows); `shortfalls` are the minimums the result still misses.
    """

    group_split: np.ndarray
    fractions: dict[str, float]
    minimums: MinimumSpec
    moves: list[dict[str, Any]]
    moves_summary: dict[str, Any]
    shortfalls: tuple[dict[str, Any], ...]

    def asked(self, request: FixRequest) -> dict[str, Any]:
        """What the report records as asked: the fractions and minimums the repair
        built to (the splits' own shares where none were given), mode and seed."""
        return {
            "fractions": self.fractions,
            **self.minimums.as_dict(),
            "fewest_moves": request.fewest_moves,
            "seed": request.seed,
        }


@dataclass(frozen=True)
class FixResult:
    """The repaired frame, and the repair worked out on its counts."""

    frame: LabelFrame
    repaired: Repaired


def fix_frame(frame: LabelFrame, request: FixRequest) -> FixResult:
    """The repaired frame, the moves, and the minimums still unmet."""
    if frame.splits is None:
        raise OptionError(
            "fix repairs existing splits: give SPLIT=PATH inputs (train=a.csv test=b.csv) "
            "or one table with --split-col."
        )
    rows_by_split = Aggregates.of(frame).group_rows_by_split
    repaired = fix_counts(
        rows_by_split,
        frame.group_label_counts,
        frame.group_names,
        frame.split_names,
        tuple(frame.classes),
        request,
    )
    splits = repaired.group_split[frame.groups].astype(SPLIT_INDEX)
    return FixResult(dataclasses.replace(frame, splits=splits), repaired)


def fix_counts(
    rows_by_split: np.ndarray,
    group_label_counts: Any,
    group_names: np.ndarray,
    names: tuple[str, ...],
    classes: tuple[str, ...],
    request: FixRequest,
) -> Repaired:
    """The repair of splits given as counts: the one repair every engine runs.

    `rows_by_split` (G, S) holds each group's rows in each split named in `names`;
    `group_label_counts` the (G, C) positive rows per group and class over all its
    splits (scipy.sparse or `GroupCounts`); groups
    are numbered by their sorted names (`group_names`), so the same input gives the same
    repair whichever engine counted it.
    """
    from splitguard.core.shortfalls import unmet_in
    from splitguard.split.engine import split_totals
    from splitguard.split.repair import leak_lower_bound, repair
    from splitguard.split.resize import SIZE_TOLERANCE, size_windows

    fractions = _fractions(request.fractions, names, rows_by_split)
    minimums = request.minimums
    sizes = rows_by_split.sum(axis=1)
    try:
        counts, _ = validate_counts(group_label_counts, sizes)
    except ValueError as exc:
        raise OptionError(f"the repair cannot be made: {exc}") from None
    wanted = asked(minimums, names, classes, _Totals(counts.totals, int(sizes.sum())))
    try:
        result = repair(
            rows_by_split,
            counts,
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
            "group": str(group_names[move.group]),
            "from": [names[s] for s in move.from_splits],
            "to": names[move.to_split],
            "rows": move.rows_moved,
        }
        for move in result.moves
    ]
    shares = list(fractions.values())
    # Measured as the coverage rule measures the result, so report and findings agree.
    totals = split_totals(counts, sizes, classes, result.group_split, names)
    shortfalls = tuple(u.as_dict() for u in unmet_in(totals, minimums, shares))
    before = rows_by_split.sum(axis=0)
    after = np.bincount(result.group_split, weights=sizes, minlength=len(names))
    low, high = size_windows(np.array(shares), int(before.sum()))
    return Repaired(
        group_split=result.group_split,
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


@dataclass(frozen=True, slots=True)
class _Totals:
    """What `asked` reads of a table to turn a percent minimum into rows."""

    positives: np.ndarray
    n_rows: int


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
