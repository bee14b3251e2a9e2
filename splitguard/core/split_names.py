"""Split names are identifiers: each becomes a file name, `<name>.parquet`, in --out.

A name is ASCII letters, digits, `_`, `-` and `.`, at most 64 characters, not `.` or
`..`; so it can never be a path, climb out of the output folder, or hold a byte a file
system refuses. Names that differ only in case would collide on macOS and Windows, so
a set of names must be unique ignoring case. Every place a name comes from (options,
config keys, SPLIT=PATH inputs, split-column values) checks it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from splitguard.core.errors import OptionError

MAX_LENGTH = 64
ALLOWED = re.compile(r"[A-Za-z0-9_.\-]+")
RULE = (
    "Split names become file names (<name>.parquet): use ASCII letters, digits, '_', '-' "
    f"and '.', at most {MAX_LENGTH} characters"
)


def shown(name: str, limit: int = 40) -> str:
    """`name` quoted with control characters escaped, cut short if long."""
    return repr(name) if len(name) <= limit else repr(name[:limit]) + f"... ({len(name)} chars)"


def name_problem(name: str) -> str | None:
    """Why `name` is not a split name, or None when it is one."""
    if not name:
        return "is empty"
    if name in (".", ".."):
        return "is a folder reference, not a name"
    if "/" in name or "\\" in name:
        return "holds a path separator"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "holds a control character"
    if len(name) > MAX_LENGTH:
        return f"is {len(name)} characters long"
    if not ALLOWED.fullmatch(name):
        bad = next(c for c in name if not ALLOWED.fullmatch(c))
        return f"holds {bad!r}"
    return None


def split_name_error(name: str, where: str, fix: str) -> str:
    """The message for a bad name: where it came from, why, and what to do."""
    return f"{where}: split name {shown(name)} {name_problem(name)}. {RULE}; {fix}."


def case_collision(names: Iterable[str]) -> tuple[str, str] | None:
    """Two of `names` that differ only in case, or None."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name.casefold(), name)
        if other != name:
            return other, name
    return None


def collision_error(pair: tuple[str, str], where: str) -> str:
    return (
        f"{where}: split names {shown(pair[0])} and {shown(pair[1])} differ only in case; "
        "their files would be one file on macOS and Windows. Rename one of them."
    )


def check_split_names(names: Iterable[str], where: str) -> None:
    """Raise an `OptionError` for the first bad name of an option or config key."""
    names = list(names)
    for name in names:
        if name_problem(name) is not None:
            raise OptionError(split_name_error(name, where, f"rename that split in {where}"))
    pair = case_collision(names)
    if pair is not None:
        raise OptionError(collision_error(pair, where))
