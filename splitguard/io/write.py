"""Atomic writes: a temporary file in the same folder, fsynced, then renamed over.

A failed or interrupted run leaves either the old file or the new one, never a part.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from splitguard.errors import InputError


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(temporary_path)`, then move the result to `path`."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: the folder {folder} does not exist. Create it first.")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        write(Path(temporary))
        with open(temporary, "rb+") as done:
            os.fsync(done.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, lambda temporary: temporary.write_bytes(data))
