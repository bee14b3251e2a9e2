"""Install a plugin package for a test: the .dist-info a `pip install` of it would write.

Entry points are all a package needs for splitguard to find its rules, shapes or
formats; a folder holding the .dist-info, put on `sys.path`, is an installation.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import pytest

from splitguard.core.plugins import installed_entry_points

# The example plugin package (rules, a format) that the docs' recipes build.
EXAMPLE_SOURCE = Path(__file__).parent / "plugins" / "example"


class Cached(Protocol):
    """A registry function under `functools.cache`."""

    def cache_clear(self) -> None: ...


def install_dist(site: Path, name: str, group: str, entry_points: Mapping[str, str]) -> Path:
    """Write `name`'s .dist-info into `site` with `entry_points` in entry-point `group`."""
    info = site / f"{name.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    lines = "\n".join(f"{key} = {value}" for key, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[{group}]\n{lines}\n")
    return site


@contextmanager
def site_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: Cached
) -> Iterator[Path]:
    """An empty site folder on `sys.path` beside the example plugin's source, with the
    entry-point cache and `registry`'s cache cleared on entry and exit."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.syspath_prepend(str(EXAMPLE_SOURCE))
    caches = (installed_entry_points, registry)
    for cached in caches:
        cached.cache_clear()
    try:
        yield folder
    finally:
        for cached in caches:
            cached.cache_clear()


def run_cli(site: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m splitguard ARGS` in a new process that sees `site` and the example."""
    path = os.pathsep.join([str(site), str(EXAMPLE_SOURCE), os.environ.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "splitguard", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
