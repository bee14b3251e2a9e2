"""A throw-away folder tree to run the CLI in, its snapshot, and the two ways to run it.

Each run gets a fresh tree: `root/work` is the current folder (the inputs and a bystander
file live there), `root/home` a fake home folder holding a file of its own, and `root`
itself holds another bystander, so that `--out .`, `--out ..` and `--out $HOME` can be
tried without putting anything real at risk.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BYSTANDERS = {
    "work/thesis.tex": b"\\documentclass{article}\n",
    "home/.bashrc": b"export PATH\n",
    "notes.txt": b"beside the work folder\n",
}


@dataclass(frozen=True, slots=True)
class Sandbox:
    root: Path

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def home(self) -> Path:
        return self.root / "home"

    def write(self, files: Mapping[str, bytes]) -> None:
        """Write `files` (paths relative to the work folder)."""
        for name, data in files.items():
            path = self.work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def new_sandbox(base: Path) -> Sandbox:
    sandbox = Sandbox(Path(tempfile.mkdtemp(prefix="case-", dir=base)).resolve())
    for name, data in BYSTANDERS.items():
        path = sandbox.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return sandbox


# A file: its size, mtime and sha256; a directory: None; a symlink: its target.
Entry = tuple[int, int, str] | str | None


def snapshot(root: Path) -> dict[str, Entry]:
    """Every name under `root` with what identifies its content."""
    entries: dict[str, Entry] = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            relative = str(path.relative_to(root))
            if path.is_symlink():
                entries[relative] = f"-> {os.readlink(path)}"
            elif path.is_dir():
                entries[relative] = None
            else:
                stat = path.stat()
                entries[relative] = (stat.st_size, stat.st_mtime_ns, sha256_file(path))
    return entries


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Outcome:
    code: int
    out: str
    err: str
    # Set when something other than an exit escaped the CLI (a traceback for a user).
    escaped: str | None = None


@contextlib.contextmanager
def _inside(folder: Path, home: Path) -> Iterator[None]:
    previous, previous_home = Path.cwd(), os.environ.get("HOME")
    os.chdir(folder)
    os.environ["HOME"] = str(home)
    try:
        yield
    finally:
        os.chdir(previous)
        if previous_home is None:
            del os.environ["HOME"]
        else:
            os.environ["HOME"] = previous_home


@contextlib.contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    """Warnings printed to stderr under Python's default filters, as a user sees them
    (pytest would otherwise collect them out of sight)."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        # Inserted in front of "default", so these win.
        for quiet in (DeprecationWarning, PendingDeprecationWarning, ImportWarning):
            warnings.simplefilter("ignore", quiet)
        warnings.showwarning = _show_warning
        yield


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def run_in_process(sandbox: Sandbox, args: Sequence[str]) -> Outcome:
    """`splitguard ARGS` through `main`, as the console script calls it, with strict UTF-8
    stdout and stderr that are not terminals (as in CI, or piped into a file)."""
    import matplotlib.font_manager  # noqa: F401 - its font cache goes under the real HOME

    from splitguard.cli.main import main

    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="strict", write_through=True)
    escaped: str | None = None
    code = 0
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        with _inside(sandbox.work, sandbox.home), _warnings_to_stderr():
            returned = main(list(args))
            code = int(returned or 0)
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            code = exc.code or 0
        else:
            escaped = f"SystemExit({exc.code!r})"
            code = 1
    except BaseException as exc:  # anything else would reach the user as a traceback
        escaped = f"{type(exc).__name__}: {exc}"
        code = 1
    finally:
        sys.stdout, sys.stderr = saved
    return Outcome(
        code,
        out_bytes.getvalue().decode("utf-8", "replace"),
        err_bytes.getvalue().decode("utf-8", "replace"),
        escaped,
    )


def run_subprocess(
    sandbox: Sandbox, args: Sequence[str], *, cache: Path, timeout: float = 120
) -> Outcome:
    """`splitguard ARGS` as a separate process: the console script, end to end."""
    env = {
        **os.environ,
        "HOME": str(sandbox.home),
        # matplotlib writes a font cache under HOME; keep it out of the watched tree.
        "MPLCONFIGDIR": str(cache),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("SPLITGUARD_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "splitguard", *args],
        cwd=sandbox.work,
        env=env,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Outcome(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )
