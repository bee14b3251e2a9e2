"""The one root of user-facing failures, and the exit statuses.

A `SplitguardError` means the command could not do its job because of its input or
its options; the CLI prints its message and exits with `EXIT_ERROR`. Any other
exception is a bug and shows its traceback only under ``--debug``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

EXIT_SUCCESS = 0
EXIT_FAIL = 1
EXIT_ERROR = 2


class SplitguardError(Exception):
    """A failure the user can act on: the message says what, where, and what to do."""


class InputError(SplitguardError):
    """A file that is missing, unreadable, empty or not of the expected format."""


class ColumnError(SplitguardError):
    """A column the options name is not in the table."""


class LabelValueError(SplitguardError):
    """A label cell whose value is not allowed by the shape or the policy."""


class OptionError(SplitguardError):
    """An option (on the command line or in a config file) with a bad value."""


class ConfigError(OptionError):
    """A config file that cannot be read, or holds an unknown key or a bad value."""


class OutputError(SplitguardError):
    """An output that may not or cannot be written: it is an input, the folder is taken,
    not splitguard's to replace, or the disk refuses the bytes."""


class InfeasibleError(SplitguardError):
    """A request the data cannot satisfy at all."""


def closest(name: str, candidates: Iterable[str]) -> str:
    """' (did you mean X?)' for the closest candidate, or '' when none is close."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in candidates}
        match = lowered.get(name.lower())
        matches = [match] if match else []
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def missing_column(path: str, column: str, columns: Iterable[str], option: str) -> ColumnError:
    """The error for `--option COLUMN` naming a column the table does not have."""
    columns = list(columns)
    listed = ", ".join(repr(c) for c in columns[:30])
    more = f" and {len(columns) - 30} more" if len(columns) > 30 else ""
    return ColumnError(
        f"{path}: no column {column!r} for {option}{closest(column, columns)}. "
        f"The table has {listed}{more}. Pass the exact column name to {option}."
    )


class SplitguardWarning(UserWarning):
    """What a run from Python says along the way (the command line prints it on stderr)."""
