"""Output formats for `splitguard check`, found through the `splitguard.formats` entry points.

A format is one module with a `Format` subclass, named in the package's entry points:

    [project.entry-points."splitguard.formats"]
    json = "splitguard.lint.formats.json:Json"

`--format NAME` (and the config key `format`) takes any installed format's name. A
format renders a `LintResult` to text; one for people may also give styled lines,
which the command line colours (only `cli/` prints, so formats never import a
terminal library). Paths are shown through the `View`: relative to the repository
root where they are under it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from splitguard.core.errors import OptionError, SplitguardError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from splitguard.lint.engine import LintResult

GROUP = "splitguard.formats"
# Roles a styled span may take; the command line picks the colour of each.
STYLES = ("error", "warning", "info", "dim", "bold", "passed", "failed")


class FormatError(SplitguardError):
    """A format plugin that cannot be loaded or is not a `Format`."""


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a styled line: its text and a role in `STYLES` ('' for plain)."""

    text: str
    style: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    """A styled line; `wrap=False` keeps it one line however wide (a message to copy whole).

    A wrapped line's continuation lines are indented by `hang` columns.
    """

    spans: tuple[Span, ...]
    wrap: bool = True
    hang: int = 0

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True, slots=True)
class View:
    """How to show a result: file paths relative to `root`; whether to count per rule."""

    root: Path | None = None
    statistics: bool = False
    # For scripts (-q): no headings or summary, each finding one whole line.
    quiet: bool = False

    def path(self, file: str) -> str:
        from splitguard.core.paths import shown_path

        return shown_path(file, self.root)

    def shown(self, result: LintResult) -> LintResult:
        """`result` with every finding's file named as `path` names it."""
        from dataclasses import replace

        return replace(result, findings=tuple(f.shown(self.root) for f in result.findings))

    def outside(self, result: LintResult) -> list[str]:
        """The files of `result` outside the root, as shown (once each, in order)."""
        from splitguard.core.paths import is_outside

        shown = (self.path(f.location.file) for f in result.findings if f.location.file)
        return list(dict.fromkeys(name for name in shown if is_outside(name)))


class Format:
    """Base of every output format: set `name` and `help`, implement `render`.

    `for_people` formats may also implement `styled` (lines of spans the terminal
    colours) and show the per-rule counts of `--statistics` themselves; for the others
    the command line prints those counts on stderr, apart from the output.
    """

    name: ClassVar[str]
    help: ClassVar[str]
    for_people: ClassVar[bool] = False

    def render(self, result: LintResult, view: View) -> str:
        raise NotImplementedError

    def styled(self, result: LintResult, view: View) -> list[Line] | None:
        """Styled lines for a terminal, or None: print `render`'s text as it is."""
        return None


def plain(lines: Iterable[Line]) -> str:
    """Styled lines as text, without their styles."""
    return "\n".join(line.text for line in lines)


def _load(entry: EntryPoint) -> type[Format]:
    dist = getattr(entry, "dist", None)
    where = f"package {dist.name!r}" if dist is not None else f"entry point {entry.value!r}"
    try:
        loaded = entry.load()
    except Exception as exc:
        raise FormatError(
            f"format plugin {entry.name!r} from {where} failed to load "
            f"({type(exc).__name__}: {exc}). Upgrade or uninstall that package."
        ) from exc
    if not (isinstance(loaded, type) and issubclass(loaded, Format)):
        raise FormatError(
            f"format plugin {entry.name!r} from {where} gives {loaded!r}, not a splitguard "
            "Format class. Point the entry point at a Format subclass."
        )
    if getattr(loaded, "name", None) != entry.name:
        raise FormatError(
            f"format plugin {entry.name!r} from {where}: its class is named "
            f"{getattr(loaded, 'name', None)!r}; the entry point and the class must give "
            "one name."
        )
    return loaded


@cache
def registered_formats() -> dict[str, type[Format]]:
    """Every installed format, by name (entry points are read once per process)."""
    from splitguard.core.plugins import entry_points_in

    found: dict[str, type[Format]] = {}
    for entry in sorted(entry_points_in(GROUP), key=lambda e: (e.name, e.value)):
        if entry.name in found:
            raise FormatError(
                f"format {entry.name!r} is installed twice ({entry.value} and "
                f"{found[entry.name].__module__}). Uninstall one of them."
            )
        found[entry.name] = _load(entry)
    return found


def format_named(name: str) -> Format:
    """The installed format `name`; an `OptionError` listing the others if there is none."""
    formats = registered_formats()
    if name not in formats:
        known = "; ".join(f"{key} ({kind.help})" for key, kind in formats.items())
        raise OptionError(f"--format {name!r} is not an installed format; use one of {known}.")
    return formats[name]()


def render(result: LintResult, name: str, view: View | None = None) -> str:
    """`result` in format `name`, as text."""
    return format_named(name).render(result, view or View())
