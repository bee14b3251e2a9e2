"""`splitguard.split(...)` and `splitguard.fix(...)`: the commands from Python.

The keywords are the command line's long options with `_` for `-` (`--min-positives`
is `min_positives=`), take the same values (a dict where the command line takes
SPLIT=VALUE pairs, a string or a list where it takes names) and give the same errors;
`--out` and `--force` belong to `result.write(DIR, force=...)`. `data` is a path, a
pandas DataFrame, a pyarrow Table, or a dict {split: path or table}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from splitguard.app.runs import Outcome

# Keywords that are command-line options of the run but not of the function.
WRITE_OPTIONS = ("out", "force")
# The engine is chosen by the function called: splitguard.spark.split runs on Spark.
NOT_KEYWORDS = (*WRITE_OPTIONS, "engine")


def split(
    data: Any,
    *,
    labels: str | None = None,
    sep: str | None = None,
    none: str | list[str] | None = None,
    label_cols: str | list[str] | None = None,
    long: str | None = None,
    shape: str | None = None,
    uncertain: str | None = None,
    blank: str | None = None,
    id: str | None = None,
    group: str | list[str] | None = None,
    split_col: str | None = None,
    encoding: str | None = None,
    classes: str | list[str] | None = None,
    fractions: Mapping[str, float] | str | None = None,
    folds: int | None = None,
    min_positives: Mapping[str, int | str] | str | None = None,
    min_positive_groups: Mapping[str, int] | str | None = None,
    min_prevalence: Mapping[str, float] | str | None = None,
    min_classes: str | list[str] | None = None,
    imbalance_threshold: float | None = None,
    train_floor: float | None = None,
    seed: int | None = None,
    keep: Any = None,
    fail_on: str | None = None,
    hide_ids: bool | None = None,
    schema: str | None = None,
    **unknown: Any,
) -> Outcome:
    """Split `data` into train/val/test (or K folds) with no group in two splits, every
    class in every split, as `splitguard split` does.

    Returns the outcome: `.table` (the input rows plus a `split` column, a DataFrame),
    `.findings` (the rules' findings on the result), `.report` (report.json's dict),
    `.exit_status` (1 when a finding fails the run, as the command exits) and
    `.write(DIR)` (the command's files). A bad option is an `OptionError` (a
    `SplitguardError`), with the command line's message.
    """
    given = dict(locals())  # first: the keywords, before any other name is bound
    from splitguard.app.requests import (
        INPUT_NAMES,
        SPLIT_NAMES,
        keyword_values,
        split_request,
    )
    from splitguard.app.split import run_split
    from splitguard.core.load import load_frame
    from splitguard.core.options import label_spec

    names = (*INPUT_NAMES, *(n for n in SPLIT_NAMES if n not in NOT_KEYWORDS))
    values = keyword_values("splitguard.split", _checked(given, unknown), names)
    spec, request = label_spec(values), split_request(values)
    return _warned(run_split(request, lambda: load_frame(data, spec)))


def fix(
    data: Any,
    *,
    labels: str | None = None,
    sep: str | None = None,
    none: str | list[str] | None = None,
    label_cols: str | list[str] | None = None,
    long: str | None = None,
    shape: str | None = None,
    uncertain: str | None = None,
    blank: str | None = None,
    id: str | None = None,
    group: str | list[str] | None = None,
    split_col: str | None = None,
    encoding: str | None = None,
    classes: str | list[str] | None = None,
    fractions: Mapping[str, float] | str | None = None,
    min_positives: Mapping[str, int | str] | str | None = None,
    min_positive_groups: Mapping[str, int] | str | None = None,
    min_classes: str | list[str] | None = None,
    imbalance_threshold: float | None = None,
    train_floor: float | None = None,
    seed: int | None = None,
    fail_on: str | None = None,
    hide_ids: bool | None = None,
    schema: str | None = None,
    fewest_moves: bool | None = None,
    **unknown: Any,
) -> Outcome:
    """Repair existing splits as `splitguard fix` does: leaked groups go whole to one
    split, every split stays within a point of its share, minimums are topped up.

    `data` holds the splits: a dict {split: path or DataFrame}, or one table with
    `split_col`. Returns the outcome, as `split` does; its report lists every moved group.
    """
    given = dict(locals())  # first: the keywords, before any other name is bound
    from splitguard.app.fix import run_fix
    from splitguard.app.requests import (
        FIX_NAMES,
        INPUT_NAMES,
        fix_request,
        keyword_values,
    )
    from splitguard.core.load import load_frame
    from splitguard.core.options import label_spec

    names = (*INPUT_NAMES, *(n for n in FIX_NAMES if n not in NOT_KEYWORDS))
    values = keyword_values("splitguard.fix", _checked(given, unknown), names)
    spec, request = label_spec(values), fix_request(values)
    return run_fix(request, lambda: load_frame(data, spec))


def _checked(given: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    """The keywords (`given` is the function's locals), unknown ones included, for
    `keyword_values` to name the bad one.

    `out` and `force` are options of the command, not of the function: they are said so.
    """
    from splitguard.core.errors import OptionError

    for name in WRITE_OPTIONS:
        if name in unknown:
            raise OptionError(
                f"{name}= is not a keyword here: write the result with "
                "result.write(DIR, force=...) instead."
            )
    if "engine" in unknown:
        raise OptionError(
            "engine= is not a keyword here: these functions run in memory; "
            "splitguard.spark.split(sdf, ...) splits a Spark DataFrame."
        )
    named = {k: v for k, v in given.items() if k not in ("data", "unknown")}
    return {**named, **unknown}


def _warned(outcome: Outcome) -> Outcome:
    """A run's warnings as Python warnings (a notebook shows them)."""
    import warnings

    from splitguard.core.errors import SplitguardWarning

    for message in outcome.warnings:
        warnings.warn(message.removeprefix("splitguard: warning: "), SplitguardWarning, 3)
    return outcome
