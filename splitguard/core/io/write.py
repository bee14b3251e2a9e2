"""Atomic writes: a temporary file in the same folder, fsynced, then renamed over.

A failed or interrupted run leaves either the old file or the new one, never a part.
A write the system refuses (disk full, file-size limit, no permission) is an
`OutputError` that names the file and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path

from splitguard.core.errors import OutputError
from splitguard.core.io import signals, staging

# While an output folder is staged, its files are written under a hidden name; an
# error names the place they were going to (the staging folder, the output folder).
_staged: ContextVar[tuple[Path, Path] | None] = ContextVar("staged", default=None)


@contextlib.contextmanager
def shown_as(staging_folder: Path, out: Path) -> Iterator[None]:
    """Within the block, errors name files under `staging_folder` as under `out`."""
    token = _staged.set((staging_folder, out))
    try:
        yield
    finally:
        _staged.reset(token)


def final_path(path: Path) -> Path:
    staged = _staged.get()
    if staged is not None and path.is_relative_to(staged[0]):
        return staged[1] / path.relative_to(staged[0])
    return path


def write_failure(path: Path, exc: OSError) -> OutputError:
    """The error for an OSError met while writing `path`: what happened, what to do."""
    shown = final_path(path)
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        folder = next((p for p in shown.parents if p.is_dir()), Path("."))
        free = shutil.disk_usage(folder).free / 1e6
        return OutputError(
            f"{shown}: cannot be written, the disk is full ({reason}; {free:,.1f} MB free "
            f"on the disk of {folder}). No partial file was left. Free space on that disk, or "
            "write to another one."
        )
    if exc.errno == errno.EFBIG:
        return OutputError(
            f"{shown}: cannot be written, it would pass the file-size limit ({reason}"
            f"{_size_limit()}). No partial file was left. Raise the limit (`ulimit -f unlimited`) "
            "or write to a file system that takes larger files."
        )
    return OutputError(
        f"{shown}: cannot be written ({reason}). No partial file was left. Check that the "
        "folder exists, is writable and has free space."
    )


def _size_limit() -> str:
    try:
        import resource
    except ImportError:
        return ""
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return "" if limit == resource.RLIM_INFINITY else f"; the limit is {limit:,} bytes"


def umask_mode(mode: int) -> int:
    """`mode` less the process umask (mkstemp and mkdtemp ignore it: 0600 and 0700)."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def check_target(path: Path) -> Path:
    """Refuse a file path that cannot be written (no folder, a folder, a name too long);
    returns its folder. Called before any work too, so a run fails before it writes."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if not folder.is_dir():
            raise OutputError(f"{path}: the folder {folder} does not exist. Create it first.")
        if path.is_dir():
            raise OutputError(f"{path}: a directory, not a file. Give a file name to write to.")
    except OSError as exc:
        raise write_failure(path, exc) from exc
    check_name(path)
    return folder


def check_name(path: Path) -> None:
    """Refuse a file or folder name longer than its file system takes (ENAMETOOLONG)."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except OSError:
        return  # no such folder: the caller's own checks name it
    if len(os.fsencode(path.name)) > limit:
        raise OutputError(
            f"{shown_name(path)}: the name is {len(os.fsencode(path.name))} bytes long; "
            f"this file system takes at most {limit}. Give a shorter name."
        )


def shown_name(path: Path, most: int = 80) -> str:
    """`path` for a message, its name cut to `most` characters."""
    name = path.name if len(path.name) <= most else f"{path.name[:most]}..."
    return str(path.parent / name)


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write(temporary_path)`, then move the result to `path`."""
    path = Path(path)
    folder = check_target(path)
    staging.remove_unfinished(folder)
    temporary = None
    with signals.writing():
        try:
            # Made and named with signals held: an interrupt finds it known, so removed.
            with signals.deferred_interrupts():
                handle, name = tempfile.mkstemp(
                    prefix=staging.prefix(path), suffix=".tmp", dir=folder
                )
                os.close(handle)
                temporary = Path(name)
            write(temporary)
            with open(temporary, "rb+") as done:
                os.fsync(done.fileno())
            os.chmod(temporary, umask_mode(0o666))
            os.replace(temporary, path)
        except OSError as exc:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
            raise write_failure(path, exc) from exc
        except BaseException:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
            raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, lambda temporary: temporary.write_bytes(data))


def write_json(path: str | Path, payload: object) -> None:
    """Write JSON atomically (a temporary file beside it, then a rename)."""
    import json

    text = json.dumps(payload, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    atomic_write_bytes(Path(path), text.encode())
