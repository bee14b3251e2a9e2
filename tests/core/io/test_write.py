"""Atomic file writes: the old file or the new one, never a part; refusals named."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from splitguard.core.errors import OutputError
from splitguard.core.io import staging
from splitguard.core.io.write import atomic_write, atomic_write_bytes


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    atomic_write_bytes(target, b"old")

    def fails(temporary: Path) -> None:
        temporary.write_bytes(b"ne")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match=r"r\.html: cannot be written, the disk is full"):
        atomic_write(target, fails)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_ctrl_c_during_a_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    target = tmp_path / "r.html"
    atomic_write_bytes(target, b"old")

    def interrupted(temporary: Path) -> None:
        temporary.write_bytes(b"ne")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, interrupted)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_file_size_limit_and_permissions_are_named(tmp_path: Path) -> None:
    def too_big(temporary: Path) -> None:
        raise OSError(errno.EFBIG, "File too large")

    with pytest.raises(OutputError, match="file-size limit"):
        atomic_write(tmp_path / "w.json", too_big)
    with pytest.raises(OutputError, match="does not exist"):
        atomic_write_bytes(tmp_path / "no" / "w.json", b"")
    with pytest.raises(OutputError, match="a directory"):
        atomic_write_bytes(tmp_path, b"")


def test_a_dead_writers_temporary_file_is_removed(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", ""])
    dead.wait()
    left = tmp_path / f".w.json.splitguard-{staging.host()}-{dead.pid}-abc123.tmp"
    left.write_text("{")
    atomic_write_bytes(tmp_path / "w.json", b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.json"]
