"""Write a whole output directory atomically, into a folder no other run can take.

Everything is written into a staging folder beside DIR, which is renamed to DIR only
once every file is complete: a failed or interrupted run leaves no partial DIR, and an
existing DIR (with --force) is replaced only at that last step. A new DIR is claimed
with `mkdir`, which one process wins: of two runs into the same new DIR, the second
fails instead of replacing the first's output.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from splitguard.core.errors import OutputError
from splitguard.core.io import signals, staging
from splitguard.core.io.safepath import foreign_files, out_dir_clash, protected_folder
from splitguard.core.io.write import shown_as, umask_mode, write_failure


def sha256_of(path: Path) -> str:
    """The sha256 of a file, or of a directory's files in sorted order.

    For a directory each file's name, a NUL and its size come before its bytes, so no
    two different trees (`a` holding "bc", `ab` holding "c") give the same stream.
    """
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
            digest.update(file.stat().st_size.to_bytes(8, "big"))
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def check_out_dir(out: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse, before any work, an output folder this run may not write."""
    out = Path(os.path.abspath(out))
    protected = protected_folder(out)
    if protected is not None:
        raise OutputError(
            f"{out}: --out {protected}; splitguard never replaces it, with or without "
            "--force. Give a new folder, such as --out splits."
        )
    clash = out_dir_clash(out, inputs)
    if clash is not None:
        raise OutputError(
            f"{out}: the output folder {clash}; choose another --out (splitguard never "
            "writes over its input)."
        )
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: --out names a file; give a directory.")
    if out.exists() and not force:
        raise OutputError(
            f"{out}: the output directory exists. Pass --force to replace it (only a folder "
            "splitguard wrote, or an empty one, is replaced), or give a new --out."
        )
    if out.exists():
        _check_replaceable(out)
    if not out.parent.is_dir():
        raise OutputError(f"{out}: its parent folder {out.parent} does not exist. Create it.")


def _check_replaceable(out: Path) -> None:
    foreign = foreign_files(out)
    if foreign is not None:
        raise OutputError(
            f"{out}: --force replaces only a folder splitguard wrote, or an empty one; this "
            f"one {foreign}. Move those files away, or give a new --out."
        )


def recover(out: Path) -> list[str]:
    """Clean up after runs into `out` that were killed; say what was put back.

    Unfinished files and folders of dead runs are removed. A run killed halfway through
    a --force replace had moved the earlier output aside: it is put back as DIR.
    """
    out = Path(os.path.abspath(out)).resolve()
    notes: list[str] = []
    for leftover in staging.leftovers(out.parent):
        if leftover.kind != "old":
            staging.remove(leftover.path)
        elif leftover.target == out.name[: staging.TARGET_CHARS]:
            if not os.path.lexists(out):
                try:
                    os.replace(leftover.path, out)
                except OSError as exc:
                    notes.append(
                        f"{out}: the earlier output, which a run killed while replacing it "
                        f"left aside, is in {leftover.path} and cannot be moved back "
                        f"({exc.strerror}); move it back by hand."
                    )
                    continue
                notes.append(
                    f"{out}: put back the earlier output, which a run killed while "
                    f"replacing it (process {leftover.pid}) had left in {leftover.path.name}."
                )
            elif foreign_files(out) is None:
                # The killed run had landed its output; this is the one it replaced.
                staging.remove(leftover.path)
    return notes


@contextlib.contextmanager
def staged_dir(out: Path, *, force: bool = False) -> Iterator[Path]:
    """A staging folder beside `out`; on success it becomes `out`, on failure it vanishes.

    Without `force`, an `out` that appeared meanwhile is an `OutputError`; with it, an
    `out` splitguard wrote (or an empty one) is replaced.
    """
    out = Path(os.path.abspath(out)).resolve()
    staged = None
    with signals.writing():
        try:
            # Made and named with signals held: an interrupt finds it known, so removed.
            with signals.deferred_interrupts():
                staged = Path(
                    tempfile.mkdtemp(prefix=staging.prefix(out), suffix=".partial", dir=out.parent)
                )
            os.chmod(staged, umask_mode(0o777))
            with shown_as(staged, out):
                try:
                    yield staged
                    _land(staged, out, force=force)
                except OSError as exc:
                    raise write_failure(Path(exc.filename or out), exc) from exc
        except OSError as exc:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)
            raise write_failure(out, exc) from exc
        except BaseException:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)
            raise


def _land(staged: Path, out: Path, *, force: bool) -> None:
    """Rename `staged` to `out`; the renames of a replace are never parted by a signal."""
    retired = None
    landed = False
    try:
        with signals.deferred_interrupts():
            if force and os.path.lexists(out):
                _check_replaceable(out)
                retired = Path(
                    tempfile.mkdtemp(prefix=staging.prefix(out), suffix=".old", dir=out.parent)
                )
                retired.rmdir()
                os.replace(out, retired)
                try:
                    os.replace(staged, out)
                except BaseException:
                    os.replace(retired, out)
                    raise
            else:
                _claim(staged, out)
            landed = True
    finally:
        # Only once the new output is in place is the one it replaced let go.
        if landed and retired is not None:
            shutil.rmtree(retired, ignore_errors=True)


def _claim(staged: Path, out: Path) -> None:
    taken = OutputError(
        f"{out}: another process created this folder while this run was working (another "
        "splitguard run?); this run wrote nothing. Give another --out, or pass --force to "
        "replace it."
    )
    try:
        os.mkdir(out)
    except FileExistsError:
        raise taken from None
    try:
        # Onto the empty folder just made: rename(2) replaces an empty directory.
        os.replace(staged, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.rmdir(out)
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            raise taken from None
        raise
