"""Typed requests from option values: built once at the edge, then passed inward.

The command line resolves `--flag` values (and the config file's keys) into values keyed
by option name; the Python API takes the same options as keywords (`min_positives=` for
`--min-positives`). Both become a `LabelSpec` and a `SplitRequest` or `FixRequest` here,
through the same parsers and checks, so a bad value gets the same error from either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard.core.errors import OptionError, closest
from splitguard.core.options import INPUT_OPTIONS

if TYPE_CHECKING:
    from splitguard.split.assign import SplitRequest
    from splitguard.split.fixer import FixRequest

# The input options, as the command line and the config file take them.
INPUT_NAMES = (*(o.name for o in INPUT_OPTIONS if o.cli), "classes")

# The command line's options of `splitguard fix` besides the input options.
FIX_NAMES = (
    "out",
    "force",
    "fractions",
    "min-positives",
    "min-positive-groups",
    "min-classes",
    "imbalance-threshold",
    "train-floor",
    "seed",
    "fail-on",
    "hide-ids",
    "schema",
    "fewest-moves",
    "engine",
)

# The command line's options of `splitguard split` besides the input options.
SPLIT_NAMES = (
    "out",
    "force",
    "fractions",
    "folds",
    "min-positives",
    "min-positive-groups",
    "min-prevalence",
    "min-classes",
    "imbalance-threshold",
    "train-floor",
    "seed",
    "keep",
    "fail-on",
    "hide-ids",
    "schema",
    "engine",
)


def split_request(values: Mapping[str, Any]) -> SplitRequest:
    """A split request from resolved option values; an inconsistent one is an `OptionError`."""
    from splitguard.core.shortfalls import ALL_SPLITS, MinimumSpec, unknown_split
    from splitguard.split.assign import SplitRequest

    folds = values.get("folds")
    fractions = values.get("fractions")
    if folds is not None and fractions:
        raise OptionError("give --fractions or --folds, not both.")
    if folds is not None and folds < 2:
        raise OptionError(f"--folds takes 2 or more, not {folds}.")
    minimums = MinimumSpec.from_values(values)
    request = SplitRequest(
        fractions=fractions or None,
        folds=folds,
        min_positives=minimums.positives,
        min_positive_groups=minimums.positive_groups,
        min_prevalence=minimums.prevalence,
        min_classes=minimums.classes,
        rare_threshold=minimums.rare_threshold,
        train_floor=minimums.train_floor,
        seed=values.get("seed") or 0,
        keep=values.get("keep"),
        fail_on=values.get("fail-on") or "error",
        hide_ids=bool(values.get("hide-ids")),
        schema=_schema(values.get("schema")),
    )
    for option in ("min-positives", "min-positive-groups", "min-prevalence"):
        # Checked by name, not against the list of names: a fold count may be huge.
        for name in values.get(option) or {}:
            if name != ALL_SPLITS and not request.has_split(name):
                unknown_split(name, request.listing(), option)
    return request


def fix_request(values: Mapping[str, Any]) -> FixRequest:
    """A fix request from resolved option values."""
    from splitguard.core.shortfalls import MinimumSpec
    from splitguard.split.fixer import FixRequest

    return FixRequest(
        fractions=values.get("fractions") or None,
        minimums=MinimumSpec.from_values(values),
        seed=values.get("seed") or 0,
        fewest_moves=bool(values.get("fewest-moves")),
        fail_on=values.get("fail-on") or "error",
        hide_ids=bool(values.get("hide-ids")),
        schema=_schema(values.get("schema")),
    )


def _schema(reference: str | None) -> str | None:
    """A schema that cannot be loaded fails now, not after the splitting."""
    if reference:
        from splitguard.rules.user_schema import load_schema

        load_schema(reference)
    return reference


def keyword_values(
    function: str, keywords: Mapping[str, Any], names: Iterable[str]
) -> dict[str, Any]:
    """Python keywords (`min_positives=...`) as option values keyed by option name.

    Each value is parsed as its `--flag` is, so it gets the command line's error; a
    keyword that is not an option is an `OptionError` naming the closest one. None (or
    no keyword) means the option's default.
    """
    allowed = {name.replace("-", "_"): name for name in names}
    for key in keywords:
        if key not in allowed:
            raise OptionError(
                f"{function}() takes no keyword {key!r}{closest(key, allowed)}. "
                f"Its keywords: {', '.join(allowed)}."
            )
    from splitguard.rules.registry import registered_options

    known = registered_options()
    values: dict[str, Any] = {}
    for key, name in allowed.items():
        value = keywords.get(key)
        option = known[name]
        if value is None:
            values[name] = option.default
            continue
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, Mapping):
            value = {k: str(v) if isinstance(v, Path) else v for k, v in value.items()}
        values[name] = option.parse(value, f"--{name}")
    return values
