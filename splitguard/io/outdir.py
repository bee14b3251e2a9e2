"""Write a whole output directory atomically.

Everything is written into a staging folder beside DIR, which is renamed to DIR only
once every file is complete: a failed or interrupted run leaves no partial DIR, and an
existing DIR (with --force) is replaced only at that last step.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from splitguard.errors import OptionError
from splitguard.io.write import umask_mode


def sha256_of(path: Path) -> str:
    """The sha256 of a file, or of a directory's files in sorted order."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def check_out_dir(out: Path, *, force: bool, inputs: Iterable[Path]) -> None:
    """Refuse an existing DIR without --force, a file as DIR, and a DIR that holds an input."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise OptionError(f"{out}: --out names a file; give a directory.")
    if out.exists() and not force:
        raise OptionError(f"{out}: the output directory exists. Pass --force to replace it.")
    for path in inputs:
        resolved = Path(path).resolve()
        if resolved == out or out in resolved.parents:
            raise OptionError(
                f"{out}: the output directory holds the input {path}; choose another --out "
                "(splitguard never writes over its input)."
            )
    if not out.parent.is_dir():
        raise OptionError(f"{out}: its parent folder {out.parent} does not exist. Create it.")


@contextlib.contextmanager
def staged_dir(out: Path) -> Iterator[Path]:
    """A staging folder beside `out`; on success it replaces `out`, on failure it vanishes."""
    out = out.resolve()
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    os.chmod(staging, umask_mode(0o777))
    try:
        yield staging
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    retired.rmdir()
    os.replace(out, retired)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)
