"""How outputs name a file: relative to the repository root, never by this machine's layout.

A CI annotation, a SARIF result or a manifest travels to other machines: a path there
must mean the same file in every checkout. Under the root (the current folder, or
`--root`) a path is named relative to it; the data bundled with splitguard is named by
its place in the package; any other path stays as given.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath


def shown_path(path: str | PurePath, root: str | PurePath | None = None) -> str:
    """`path` relative to `root` (default: the current folder) when under it, else as given."""
    given = Path(path)
    if not given.is_absolute():
        inside = _under(Path.cwd() / given, root)
        return inside if inside is not None else str(path)
    inside = _under(given, root)
    if inside is not None:
        return inside
    bundled = _under(given, Path(__file__).parents[1])
    if bundled is not None:
        return f"splitguard/{bundled}"
    return str(path)


def is_outside(shown: str) -> bool:
    """Whether a name that `shown_path` gave lies outside the root."""
    return Path(shown).is_absolute() or Path(shown).parts[:1] == ("..",)


def _under(path: Path, root: str | PurePath | None) -> str | None:
    """`path` relative to `root` as a forward-slash path, or None when it is not under it."""
    base = Path.cwd() if root is None else Path(root).absolute()
    # normpath, not resolve: a symlinked data folder is named where the user put it.
    normal = Path(os.path.normpath(path))
    try:
        relative = normal.relative_to(Path(os.path.normpath(base)))
    except ValueError:
        return None
    return relative.as_posix() if relative.parts else "."
