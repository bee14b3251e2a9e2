"""`LintConfig`: what a lint run is asked, typed once at the edge and passed inward.

The command line with its config file, the Python API and tests each build one (with
`LintConfig.of` from option values, or directly); the engine and the rules read its
fields and `value(OPTION)`, never a dict keyed by flag names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

from splitguard.core.errors import OptionError, closest
from splitguard.core.options import HIDE_IDS, Option, anywhere, mapping, names, optional, text
from splitguard.lint.findings import SEVERITIES, Severity, severity

T = TypeVar("T")


SELECT: Option[tuple[str, ...]] = Option(
    "select", "Rule codes or prefixes to run (default: all).", names, (), "CODES", True
)
IGNORE: Option[tuple[str, ...]] = Option(
    "ignore", "Rule codes or prefixes to skip.", names, (), "CODES", True
)
EXTEND_SELECT: Option[tuple[str, ...]] = Option(
    "extend-select", "Rule codes or prefixes to add to --select.", names, (), "CODES", True
)
FAIL_ON = Option(
    "fail-on",
    "Lowest severity that fails the run (exit 1).",
    severity,
    "error",
    "|".join(SEVERITIES),
)
BASELINE = Option(
    "baseline",
    "Findings accepted earlier (a JSON file of --write-baseline).",
    optional(text),
    None,
    path=anywhere,
)
SEVERITY: Option[dict[str, Any]] = Option(
    "severity", "Severity per rule code: {SG301 = 'error'}.", mapping, {}, cli=False
)
PER_CLASS_IGNORES: Option[dict[str, Any]] = Option(
    "per-class-ignores", "Rule codes to skip per class: {Hernia = ['SG4']}.", mapping, {}, cli=False
)
PER_SPLIT_IGNORES: Option[dict[str, Any]] = Option(
    "per-split-ignores", "Rule codes to skip per split: {train = ['SG3']}.", mapping, {}, cli=False
)
LINT_OPTIONS: tuple[Option[Any], ...] = (
    SELECT,
    IGNORE,
    EXTEND_SELECT,
    FAIL_ON,
    BASELINE,
    SEVERITY,
    PER_CLASS_IGNORES,
    PER_SPLIT_IGNORES,
)
"""The engine's own options: which rules run, how findings are filtered, what fails."""

_FIELDS = {option.name: option.keyword for option in (*LINT_OPTIONS, HIDE_IDS)}


def _frozen(table: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(table))


@dataclass(frozen=True, slots=True)
class LintConfig:
    """Which rules run, how findings are filtered and what fails; every rule option's value.

    `options` holds the value of each option set, by option name (the parsed value, as
    its `Option.parse` gives it); a rule reads it with `Context.option(OPTION)`, which
    falls back to the option's default.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fail_on: Severity = "error"
    baseline: str | None = None
    hide_ids: bool = False
    severity: Mapping[str, Any] = field(default_factory=lambda: _frozen({}))
    per_class_ignores: Mapping[str, Any] = field(default_factory=lambda: _frozen({}))
    per_split_ignores: Mapping[str, Any] = field(default_factory=lambda: _frozen({}))
    options: Mapping[str, Any] = field(default_factory=lambda: _frozen({}))

    def __post_init__(self) -> None:
        for name in ("severity", "per_class_ignores", "per_split_ignores", "options"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    def value(self, option: Option[T]) -> T:
        """The value of `option`: as set, else its default."""
        value = self.options.get(option.name)
        return option.default if value is None else value

    @classmethod
    def of(
        cls, values: Mapping[str, Any], known: Mapping[str, Option[Any]] | None = None
    ) -> LintConfig:
        """The config of parsed option values keyed by option name (as `resolve` gives them).

        A name that no option in `known` (default: every registered option) declares is an
        `OptionError`; options that are not the engine's own go to `options`.
        """
        if known is None:
            from splitguard.rules.registry import registered_options

            known = registered_options()
        fields: dict[str, Any] = {}
        options: dict[str, Any] = {}
        for name, value in values.items():
            if name not in known:
                raise OptionError(
                    f"no option {name!r}{closest(name, known)}. `splitguard check --help` "
                    "and the rules' pages (`splitguard rule CODE`) list the options."
                )
            if value is None:
                continue
            if name in _FIELDS:
                fields[_FIELDS[name]] = value
            else:
                options[name] = value
        return cls(**fields, options=options)
