"""Find the rules: every family, built-in or third-party, through one entry-point group.

An entry point in the `splitguard.rules` group names a `Rule` subclass or a sequence
of them (`schema = "splitguard.rules.schema:RULES"`). A plugin that fails to load, or
declares a bad or taken code or option name, is one error that names its package (as
flake8 does). The options the rules declare join the core's and the engine's in
`registered_options`: a plugin's option is a config key and a `--config KEY=VALUE`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.metadata import EntryPoint
from typing import Any

from splitguard.core.errors import SplitguardError
from splitguard.core.options import OPTIONS, Option
from splitguard.core.plugins import entry_points_in
from splitguard.lint.config import LINT_OPTIONS
from splitguard.lint.findings import SEVERITIES
from splitguard.rules.base import CODE_PATTERN, NAME_PATTERN, READS, Rule

GROUP = "splitguard.rules"
# Declared by the core and the engine: a rule may read these, never declare its own.
BASE_OPTIONS: dict[str, Option[Any]] = {**OPTIONS, **{o.name: o for o in LINT_OPTIONS}}


class PluginError(SplitguardError):
    """A rule plugin that cannot be loaded or declares an invalid rule."""


def _package(entry: EntryPoint) -> str:
    dist = getattr(entry, "dist", None)
    return f"package {dist.name!r}" if dist is not None else f"entry point {entry.value!r}"


def _load(entry: EntryPoint) -> list[type[Rule]]:
    try:
        loaded = entry.load()
    except Exception as exc:
        raise PluginError(
            f"rule plugin {entry.name!r} from {_package(entry)} failed to load "
            f"({type(exc).__name__}: {exc}). Upgrade or uninstall that package."
        ) from exc
    rules = [loaded] if isinstance(loaded, type) else list(loaded)
    for rule in rules:
        if not (isinstance(rule, type) and issubclass(rule, Rule)):
            raise PluginError(
                f"rule plugin {entry.name!r} from {_package(entry)} gives {rule!r}, not a "
                "splitguard Rule class. Point the entry point at Rule classes."
            )
    return rules


def _validate(rule: type[Rule], entry: EntryPoint, seen: dict[str, EntryPoint]) -> None:
    where = f"rule {getattr(rule, 'code', rule.__name__)!r} of {_package(entry)}"
    code = getattr(rule, "code", "")
    if not CODE_PATTERN.match(code):
        raise PluginError(
            f"{where}: code must be 2-4 capital letters and 3 digits (such as XP101)."
        )
    if not NAME_PATTERN.match(getattr(rule, "name", "")):
        raise PluginError(f"{where}: name must be kebab-case (such as too-few-positives).")
    if getattr(rule, "severity", None) not in SEVERITIES:
        raise PluginError(f"{where}: severity must be one of {', '.join(SEVERITIES)}.")
    if getattr(rule, "reads", None) not in READS:
        raise PluginError(
            f"{where}: reads must be 'rows' or 'counts' (what the rule reads of the table; "
            "see splitguard.rules.base)."
        )
    if code in seen:
        raise PluginError(
            f"{where}: code {code} is already taken by {_package(seen[code])}. "
            "Give the rule another code."
        )
    seen[code] = entry


def _validate_options(
    rule: type[Rule], entry: EntryPoint, owners: dict[str, tuple[Option[Any], str]]
) -> None:
    """Each option a rule declares is an `Option`, and its name is its own or shared as
    the same object (SG302 and SG306 share the core's `min-positives`)."""
    where = f"rule {rule.code} of {_package(entry)}"
    for option in rule.options:
        if not isinstance(option, Option):
            raise PluginError(
                f"{where}: options must be Option objects (splitguard.core.options.Option), "
                f"not {option!r}."
            )
        if not NAME_PATTERN.match(option.name):
            raise PluginError(f"{where}: option {option.name!r} must be kebab-case.")
        known, owner = owners.get(option.name, (option, where))
        if known is not option:
            raise PluginError(
                f"{where}: option {option.name!r} is already declared by {owner}. Name the "
                f"option after the rule's code prefix (such as '{rule.code[:2].lower()}-...')."
            )
        owners[option.name] = (option, owner)


def collect(entries: Iterable[EntryPoint]) -> dict[str, type[Rule]]:
    """Load and validate the rules of `entries`, by code, in code order."""
    seen: dict[str, EntryPoint] = {}
    owners = {name: (option, "splitguard itself") for name, option in BASE_OPTIONS.items()}
    rules: dict[str, type[Rule]] = {}
    for entry in sorted(entries, key=lambda e: (e.name, e.value)):
        for rule in _load(entry):
            _validate(rule, entry, seen)
            _validate_options(rule, entry, owners)
            rules[rule.code] = rule
    return dict(sorted(rules.items()))


@cache
def registered_rules() -> dict[str, type[Rule]]:
    """Every installed rule, by code (cached: entry points are read once per process)."""
    return collect(entry_points_in(GROUP))


def registered_options() -> dict[str, Option[Any]]:
    """Every option: the core's, the engine's and each installed rule's, by name."""
    known = dict(BASE_OPTIONS)
    for rule in registered_rules().values():
        known.update((option.name, option) for option in rule.options)
    return known
