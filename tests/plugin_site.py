"""Install a plugin package for a test: the .dist-info a `pip install` of it would write.

Entry points are all a package needs for splitguard to find its rules, shapes or
formats; a folder holding the .dist-info, put on `sys.path`, is an installation.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def install_dist(site: Path, name: str, group: str, entry_points: Mapping[str, str]) -> Path:
    """Write `name`'s .dist-info into `site` with `entry_points` in entry-point `group`."""
    info = site / f"{name.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    lines = "\n".join(f"{key} = {value}" for key, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[{group}]\n{lines}\n")
    return site
