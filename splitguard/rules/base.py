"""The rule contract: a rule declares itself and yields findings; the engine does the rest.

A rule is a small class. Its class attributes declare the code, the kebab-case name,
the family, the default severity and the options it reads (`Option` objects: a rule
declares its own options, which join the registry, and may read the core's); its
docstring is its documentation, with the sections *What it does*, *Why it matters*,
*Example*, *Options* and *Fix* (rendered by `splitguard rule CODE` and `rules/CODE.md`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from splitguard.lint.findings import ClassCount, Finding, Location, Severity

if TYPE_CHECKING:
    from splitguard.core.aggregate import Aggregates
    from splitguard.core.frame import LabelFrame
    from splitguard.core.options import Option
    from splitguard.lint.config import LintConfig

DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Options", "Fix")
CODE_PATTERN = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
FAMILIES = ("schema", "leakage", "coverage", "imbalance")
T = TypeVar("T")


@dataclass(eq=False)
class Context:
    """What every rule reads: the frame, the shared aggregates and the lint config."""

    frame: LabelFrame
    config: LintConfig
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Work several rules share (one pandera validation), done by the first that asks."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    @cached_property
    def aggregates(self) -> Aggregates:
        from splitguard.core.aggregate import Aggregates

        return Aggregates.of(self.frame)

    def option(self, option: Option[T]) -> T:
        """The value of `option` in this run, or its declared default."""
        return self.config.value(option)

    @property
    def has_splits(self) -> bool:
        return self.frame.splits is not None and len(self.frame.split_names) > 1


class Rule:
    """Base of every rule; subclasses set the class attributes and implement `check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    severity: ClassVar[Severity]
    options: ClassVar[tuple[Option[Any], ...]] = ()
    needs_splits: ClassVar[bool] = False
    # The head of the one finding that stands for many per-class findings of one split
    # (see `splitguard.lint.aggregated`): placeholders {classes} ("1,594 classes"),
    # {split}, {where} (" in test" or "") and {name}; it says what the counts are.
    class_list: ClassVar[str] = ""

    def check(self, context: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(
        self, message: str, *, count: int | None = None, worse: float = 0.0, **where: Any
    ) -> Finding:
        """A finding of this rule at its default severity; `where` fills the `Location`.

        A per-class finding gives `count`, the number the rule judged for its class, and
        `worse`, how bad it is (higher lists first), for the aggregated finding's list.
        """
        tally = None if count is None else ClassCount(where["label"], count, message, worse)
        return Finding(
            self.code, self.name, self.family, self.severity, message, Location(**where), tally
        )

    @classmethod
    def documentation(cls) -> str:
        """The rule's docstring, dedented: its full documentation."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first line of the documentation."""
        return cls.documentation().split("\n", 1)[0].strip()

    @classmethod
    def sections(cls) -> dict[str, str]:
        """The documentation's `## Heading` sections, by heading."""
        found: dict[str, str] = {}
        current: str | None = None
        for line in cls.documentation().splitlines():
            if line.startswith("## "):
                current = line[3:].strip()
                found[current] = ""
            elif current is not None:
                found[current] += line + "\n"
        return {heading: text.strip() for heading, text in found.items()}
