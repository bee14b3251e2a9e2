"""Atomic writes: a temporary file in the same folder, fsynced, then renamed over.

A failed or interrupted run leaves either the old file or the new one, never a part.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from splitguard.errors import InputError


def umask_mode(mode: int) -> int:
    """`mode` less the process umask (mkstemp and mkdtemp ignore it: 0600 and 0700)."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write(temporary_path)`, then move the result to `path`."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: the folder {folder} does not exist. Create it first.")
    if path.is_dir():
        raise InputError(f"{path}: a directory, not a file. Give a file name to write to.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror}). Check the folder.") from exc
    os.close(handle)
    try:
        write(Path(temporary))
        with open(temporary, "rb+") as done:
            os.fsync(done.fileno())
        os.chmod(temporary, umask_mode(0o666))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, lambda temporary: temporary.write_bytes(data))
