"""Where splitguard may write: never over an input, never over what it did not make.

An output is refused when it is an input: the same path, the same file through a
symlink, or the same file through a hard link (same device and inode). An output folder
is refused when it is, holds, or lies inside an input. `--force` replaces only a folder
splitguard wrote (its `manifest.json` lists every file in it) or an empty one, and never
the current folder, one of its parents, the home folder or a root folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from splitguard.core.errors import OutputError
from splitguard.core.io.write import check_target

# Besides the files its manifest lists, a run writes these into its output folder.
RUN_FILES = frozenset({"manifest.json", "report.json", "report.html", "report.md"})


def identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path` (through symlinks), or None when there is none."""
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    return stat.st_dev, stat.st_ino


def _resolved(path: Path) -> Path:
    return Path(os.path.abspath(path)).resolve()


def input_clash(output: Path, inputs: Iterable[Path]) -> str | None:
    """How the output file `output` would write over one of `inputs`, or None."""
    target = _resolved(output)
    same = identity(output)
    for given in inputs:
        source = _resolved(given)
        if target == source:
            linked = Path(os.path.abspath(output)) != Path(os.path.abspath(given))
            return f"is the input {given}{' through a symlink' if linked else ''}"
        if source in target.parents:
            return f"lies inside the input folder {given}"
        if same is not None and same == identity(given):
            return f"is the input {given} through a hard link (the same file on disk)"
    return None


def check_output_files(
    outputs: Mapping[str, str | Path | None],
    inputs: Iterable[Path],
    updates: Mapping[str, Path] | None = None,
) -> None:
    """Refuse an output file option that names an input, or a file another output names.

    `updates` maps an option to the one input it exists to rewrite (--write-baseline
    may refresh the --baseline it read).
    """
    inputs = list(inputs)
    seen: dict[Path, str] = {}
    for option, value in outputs.items():
        if not value:
            continue
        path = Path(value)
        check_target(path)
        updated = (updates or {}).get(option)
        others = [p for p in inputs if updated is None or _resolved(p) != _resolved(updated)]
        clash = input_clash(path, others)
        if clash is not None:
            raise OutputError(
                f"{option} {path}: that file {clash}; splitguard never writes over its "
                f"input. Give {option} another file name."
            )
        key = _resolved(path)
        if key in seen:
            raise OutputError(
                f"{seen[key]} and {option} both name {path}; give each output its own file."
            )
        seen[key] = option


def out_dir_clash(out: Path, inputs: Iterable[Path]) -> str | None:
    """How writing the folder `out` would touch one of `inputs`, or None."""
    target = _resolved(out)
    held = {identity(Path(entry.path)) for entry in _entries(out)} - {None}
    for given in inputs:
        source = _resolved(given)
        if target == source or target in source.parents:
            return f"holds the input {given}"
        if source in target.parents:
            return f"lies inside the input folder {given}"
        if identity(given) in held:
            return f"holds a hard link to the input {given}"
    return None


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def protected_folder(out: Path) -> str | None:
    """Why `out` may never be replaced (current folder, a parent, home, root), or None."""
    target = _resolved(out)
    if target.parent == target:
        return "is a root folder"
    here = _known(Path.cwd)
    if here is not None and target == here:
        return "is the current folder"
    if here is not None and target in here.parents:
        return "is a parent of the current folder"
    if target == _known(Path.home):
        return "is the home folder"
    return None


def _known(folder: Callable[[], Path]) -> Path | None:
    """The folder resolved, or None when there is none (a deleted cwd, no HOME)."""
    try:
        return _resolved(folder())
    except (OSError, RuntimeError):
        return None


def foreign_files(out: Path) -> str | None:
    """Why `out` is not splitguard's to replace, or None when it is empty or a run's output."""
    entries = _entries(out)
    if not entries:
        return None
    names = ", ".join(repr(e.name) for e in entries[:5]) + (" ..." if len(entries) > 5 else "")
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"holds files ({names}) and no manifest.json, so splitguard did not write it"
    except (OSError, ValueError):
        return "holds a manifest.json that is not splitguard's"
    outputs = manifest.get("outputs") if isinstance(manifest, dict) else None
    if not isinstance(manifest, dict) or "splitguard_version" not in manifest:
        return "holds a manifest.json that is not splitguard's"
    listed = {o.get("path") for o in outputs or [] if isinstance(o, dict)} | RUN_FILES
    foreign = [
        e.name for e in entries if e.name not in listed or not e.is_file(follow_symlinks=False)
    ]
    if foreign:
        shown = ", ".join(repr(name) for name in foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        return f"holds {shown}, which splitguard's manifest.json does not list"
    return None
