"""The fix run: read existing splits, repair them, check the result, report.

`run_fix` is what `splitguard fix` runs; `splitguard.fix(data, ...)` the same from Python.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from splitguard.app.runs import (
    Outcome,
    Progress,
    check,
    check_options,
    exit_status,
    fix_options,
    spec_options,
    unheard,
)
from splitguard.app.split import group_splits
from splitguard.core.frame import LabelFrame
from splitguard.split.fixer import FixRequest


def run_fix(
    request: FixRequest, load: Callable[[], LabelFrame], *, progress: Progress = unheard
) -> Outcome:
    """Repair the splits of the frame `load` reads as `request` asks; `progress` hears
    each step's start."""
    from splitguard.report.model import split_report
    from splitguard.split.fixer import fix_frame

    progress("reading the splits")
    frame = load()
    progress("repairing")
    given = check_options(request)
    before = check(frame, given)
    fixed = fix_frame(frame, request)
    repaired = fixed.repaired
    progress("checking the result")
    after = check(fixed.frame, {**given, "fractions": repaired.fractions})
    report = split_report(
        fixed.frame,
        command="fix",
        request=repaired.asked(request),
        shares=list(repaired.fractions.values()),
        minimums=repaired.minimums,
        shortfalls=repaired.shortfalls,
        findings_before=[f.shown().as_dict() for f in before],
        findings_after=[f.shown().as_dict() for f in after],
        extra={
            "moves": shown_moves(repaired.moves, hide_ids=request.hide_ids),
            "moves_summary": repaired.moves_summary,
        },
    )
    return Outcome(
        command="fix",
        frame=fixed.frame,
        assignment=group_splits(fixed.frame),
        findings=after,
        findings_before=before,
        model=report,
        exit_status=exit_status(after, request.fail_on),
        column="split",
        options=(*fix_options(request), *spec_options(fixed.frame)),
        seed=request.seed,
    )


def shown_moves(moves: list[dict[str, Any]], *, hide_ids: bool) -> list[dict[str, Any]]:
    """The moved groups; with --hide-ids their names (patient ids) are masked."""
    if not hide_ids:
        return moves
    from splitguard.lint.findings import HIDDEN

    return [{**move, "group": HIDDEN} for move in moves]
