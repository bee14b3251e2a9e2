"""The rule contract: a rule declares itself and yields findings; the engine does the rest.

A rule is a small class. Its class attributes declare the code, the kebab-case name,
the family, the default severity and the options it reads (`Option` objects: a rule
declares its own options, which join the registry, and may read the core's); its
docstring is its documentation, with the sections *What it does*, *Why it matters*,
*Example*, *Options* and *Fix* (rendered by `splitguard rule CODE` and `rules/CODE.md`).

`reads` declares what a rule needs of the table, for an engine that does not load it
(`check --engine spark`): `"counts"`, a rule that reads only `context.counts` (per-split
and per-class counts, the leaked groups: `splitguard.core.counts.Counts`) and the
spec, runs on the whole table's counts; `"rows"` (the default, and what a plugin gets
unless it says otherwise) a rule that reads `context.frame` or `context.aggregates`,
which then hold a sample of whole groups, and the findings say so.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from splitguard.lint.findings import ClassCount, Finding, Location, Severity

if TYPE_CHECKING:
    from splitguard.core.aggregate import Aggregates
    from splitguard.core.counts import Counts
    from splitguard.core.frame import LabelFrame
    from splitguard.core.options import Option
    from splitguard.lint.config import LintConfig
    from splitguard.lint.sampled import Sample

DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Options", "Fix")
CODE_PATTERN = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
FAMILIES = ("schema", "leakage", "coverage", "imbalance")
READS = ("rows", "counts")
Reads = Literal["rows", "counts"]
T = TypeVar("T")


@dataclass(eq=False)
class Context:
    """What every rule reads: the frame, the shared aggregates and the lint config.

    An engine that counts a table it does not load gives `table_counts` (the whole
    table's) and, as `frame`, a `sample` of its rows; otherwise the counts are the
    frame's own aggregates.
    """

    frame: LabelFrame
    config: LintConfig
    table_counts: Counts | None = None
    sample: Sample | None = None
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

    @property
    def counts(self) -> Counts:
        """The whole table's counts, whether the frame is the table or a sample of it."""
        return self.aggregates if self.table_counts is None else self.table_counts

    def option(self, option: Option[T]) -> T:
        """The value of `option` in this run, or its declared default."""
        return self.config.value(option)

    @property
    def has_splits(self) -> bool:
        return self.counts.n_splits > 1


class Rule:
    """Base of every rule; subclasses set the class attributes and implement `check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    severity: ClassVar[Severity]
    options: ClassVar[tuple[Option[Any], ...]] = ()
    needs_splits: ClassVar[bool] = False
    # "counts": reads only `context.counts` and the spec; "rows": the frame (see above).
    reads: ClassVar[Reads] = "rows"
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
        if where.get("file") == "":
            # A source with an empty path stands for no one file (an engine's sample of
            # rows from several inputs): the finding names none.
            del where["file"]
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
