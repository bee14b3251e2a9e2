"""The split run: read, assign every group to a split, check the result, report.

`run_split` is what `splitguard split` and `splitguard demo` run; `split` is the same
run from Python, its options as keywords:

    result = splitguard.split(df, labels="Finding Labels", sep="|", group="Patient ID")
    result.table            # the input rows plus a `split` column (a DataFrame)
    result.write("splits")  # what `splitguard split --out splits` writes
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard.app.runs import (
    Outcome,
    Progress,
    check,
    check_options,
    exit_status,
    spec_options,
    split_options,
    unheard,
    warn_impossible,
)
from splitguard.core.frame import LabelFrame
from splitguard.split.assign import SplitRequest

if TYPE_CHECKING:
    import numpy as np


def run_split(
    request: SplitRequest,
    load: Callable[[], LabelFrame],
    *,
    progress: Progress = unheard,
    warn: Callable[[str], None] = unheard,
) -> Outcome:
    """Split the frame `load` reads as `request` asks; `progress` hears each step's start
    and `warn` each warning as it arises (they are also in the outcome)."""
    from splitguard.report.model import split_report
    from splitguard.split.assign import impossible_minimums, split_frame
    from splitguard.split.engine import GroupTable

    warnings: list[str] = []

    def warning(message: str) -> None:
        warnings.append(message)
        warn(message)

    progress("reading the table")
    frame = load()
    request.check_fits(frame.n_groups)
    fixed, keep = None, None
    if request.keep:
        from splitguard.split.keep import kept_groups

        keep = kept_groups(frame, request.keep, request.split_names)
        fixed = keep.fixed
    table = GroupTable.of_frame(frame)
    warn_impossible(impossible_minimums(table, request), warning)
    progress("splitting")
    given = check_options(request)
    before = check(frame, given) if frame.splits is not None else ()
    result = split_frame(frame, request, fixed=fixed, table=table)
    kept = None if keep is None else keep.summary(group_splits(result.frame), request.split_names)
    progress("checking the result")
    shares = dict(zip(request.split_names, request.shares, strict=True))
    after = check(result.frame, {**given, "fractions": shares})
    report = split_report(
        result.frame,
        command="split",
        request={**request.as_dict(), "keep": request.keep},
        shares=request.shares,
        minimums=request.minimums,
        shortfalls=result.shortfalls,
        findings_before=[f.shown().as_dict() for f in before],
        findings_after=[f.shown().as_dict() for f in after],
        extra={"keep": kept},
    )
    return Outcome(
        command="split",
        frame=result.frame,
        assignment=group_splits(result.frame),
        findings=after,
        findings_before=before,
        model=report,
        exit_status=exit_status(after, request.fail_on),
        column="fold" if request.folds is not None else "split",
        options=_options(request, result.frame),
        seed=request.seed,
        warnings=tuple(warnings),
        keep=keep_paths(request.keep),
    )


def group_splits(frame: LabelFrame) -> np.ndarray:
    """(G,) the split index of each group of a frame whose groups are each in one split."""
    import numpy as np

    assert frame.splits is not None
    assignment = np.zeros(frame.n_groups, dtype=frame.splits.dtype)
    assignment[frame.groups] = frame.splits
    return assignment


def keep_paths(keep: Any) -> tuple[Path, ...]:
    if not keep:
        return ()
    return tuple(Path(p) for p in keep.values()) if isinstance(keep, Mapping) else (Path(keep),)


def _options(request: SplitRequest, frame: LabelFrame) -> tuple[tuple[str, Any], ...]:
    """The request as the manifest records it, keyed by option name."""
    return (*split_options(request), *spec_options(frame))
