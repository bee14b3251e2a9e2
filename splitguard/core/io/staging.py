"""The hidden files and folders a write works in, and the clean-up of those of dead runs.

Each is named `.<target>.splitguard-<host>-<pid>-<random>.<kind>` beside its target:
`tmp` for a file being written, `partial` for an output folder being filled, `old` for
an output folder that `--force` is replacing. Host and pid say whose it is: a run
killed with SIGKILL cannot clean up, so the next run on the same machine removes what
such a run left, once that process is gone (a live process may still be writing it;
on a shared disk, a process of another machine cannot be asked).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PATTERN = re.compile(
    r"\.(?P<target>.*)\.splitguard-(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[a-z0-9_]+"
    r"\.(?P<kind>tmp|partial|old)"
)
# File names stop at 255 bytes; the target's name is cut so the whole name fits.
TARGET_CHARS = 120


@cache
def host() -> str:
    import socket

    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def prefix(target: Path) -> str:
    """The start of the name of this process's working file or folder for `target`."""
    return f".{target.name[:TARGET_CHARS]}.splitguard-{host()}-{os.getpid()}-"


@dataclass(frozen=True, slots=True)
class Leftover:
    """A working file or folder whose process is gone."""

    path: Path
    target: str
    pid: int
    kind: str


def alive(pid: int) -> bool:
    """Whether process `pid` exists (one of another user counts; so does an unknown answer)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True
    return True


def leftovers(folder: Path) -> Iterator[Leftover]:
    """The working files and folders in `folder` whose process is gone."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in list(entries):
            match = PATTERN.fullmatch(entry.name)
            if match and match["host"] == host() and not alive(int(match["pid"])):
                yield Leftover(Path(entry.path), match["target"], int(match["pid"]), match["kind"])


def remove(path: Path) -> None:
    """Delete a working file or folder (never following a symlink)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def remove_unfinished(folder: Path) -> None:
    """Delete the `tmp` and `partial` leftovers in `folder`: half-written, never complete."""
    for leftover in leftovers(folder):
        if leftover.kind != "old":
            remove(leftover.path)
