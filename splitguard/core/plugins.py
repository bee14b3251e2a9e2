"""Installed entry points, read once per process for every plugin group.

Rules, label shapes and formats are all plugins; scanning the installed packages'
metadata once, not once per group, keeps each command's start-up short.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.metadata import EntryPoints, SelectableGroups


@cache
def installed_entry_points() -> SelectableGroups:
    """Every installed entry point (cached: call `cache_clear()` after installing one)."""
    from importlib.metadata import entry_points

    return entry_points()


def entry_points_in(group: str) -> EntryPoints:
    """The installed entry points of `group`."""
    return installed_entry_points().select(group=group)
