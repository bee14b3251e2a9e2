"""Find the label shapes: built-in or third-party, through one entry-point group.

An entry point in the `splitguard.shapes` group names a `LabelShape` subclass; its
name is the shape's name (`--shape NAME`). Entry points rather than a list in this
package: a shape from another package (a COCO or a VOC reader) then registers exactly
as the built-in ones do, as rules and formats do. A shape that fails to load, or
declares a bad or taken name, is one error that names its package (as flake8 does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.metadata import EntryPoint
from typing import TYPE_CHECKING

from splitguard.core.errors import OptionError, SplitguardError
from splitguard.core.plugins import entry_points_in
from splitguard.core.shapes.base import LOCATIONS, LabelShape, location_value

if TYPE_CHECKING:
    import pyarrow as pa

    from splitguard.core.frame import LabelFrame
    from splitguard.core.spec import LabelSpec

GROUP = "splitguard.shapes"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class ShapePluginError(SplitguardError):
    """A label shape plugin that cannot be loaded or declares an invalid shape."""


def _package(entry: EntryPoint) -> str:
    dist = getattr(entry, "dist", None)
    return f"package {dist.name!r}" if dist is not None else f"entry point {entry.value!r}"


def _load(entry: EntryPoint) -> LabelShape:
    try:
        loaded = entry.load()
    except Exception as exc:
        raise ShapePluginError(
            f"label shape plugin {entry.name!r} from {_package(entry)} failed to load "
            f"({type(exc).__name__}: {exc}). Upgrade or uninstall that package."
        ) from exc
    where = f"label shape {entry.name!r} of {_package(entry)}"
    if not (isinstance(loaded, type) and issubclass(loaded, LabelShape)):
        raise ShapePluginError(
            f"{where} gives {loaded!r}, not a splitguard LabelShape class. Point the entry "
            "point at a LabelShape subclass."
        )
    if getattr(loaded, "name", None) != entry.name or not NAME_PATTERN.match(entry.name):
        raise ShapePluginError(
            f"{where}: the class must set `name` to the entry point's name, in kebab-case "
            f"(it sets {getattr(loaded, 'name', None)!r})."
        )
    if getattr(loaded, "option", None) not in LOCATIONS:
        raise ShapePluginError(
            f"{where}: `option` must be one of {', '.join(LOCATIONS)}, the option that "
            "names its label column."
        )
    return loaded()


def collect(entries: Iterable[EntryPoint]) -> dict[str, LabelShape]:
    """Load and validate the shapes of `entries`, by name, in name order."""
    shapes: dict[str, LabelShape] = {}
    packages: dict[str, EntryPoint] = {}
    for entry in sorted(entries, key=lambda e: (e.name, e.value)):
        if entry.name in packages:
            raise ShapePluginError(
                f"label shape {entry.name!r} of {_package(entry)} is already taken by "
                f"{_package(packages[entry.name])}. Give the shape another name."
            )
        shapes[entry.name] = _load(entry)
        packages[entry.name] = entry
    return shapes


@cache
def registered_shapes() -> dict[str, LabelShape]:
    """Every installed shape, by name (cached: entry points are read once per process)."""
    return collect(entry_points_in(GROUP))


def shape_named(name: str, where: str = "--shape") -> LabelShape:
    """The registered shape `name`; an `OptionError` that lists the shapes otherwise."""
    shapes = registered_shapes()
    if name not in shapes:
        raise OptionError(f"{where} {name!r} is not a label shape; use one of {', '.join(shapes)}.")
    return shapes[name]


def candidate_shapes(spec: LabelSpec) -> list[LabelShape]:
    """The shapes that may read `spec`'s labels, before a table is read: the one `--shape`
    names, else every shape that claims them without seeing the table."""
    if spec.shape is not None:
        return [shape_named(spec.shape)]
    return [shape for shape in registered_shapes().values() if shape.claims(spec, None)]


def shape_of(spec: LabelSpec, table: pa.Table) -> LabelShape:
    """The shape that reads `spec`'s labels from `table`: the one `--shape` names, else
    the one shape that claims them."""
    if spec.shape is not None:
        return shape_named(spec.shape)
    claiming = [shape for shape in registered_shapes().values() if shape.claims(spec, table)]
    if len(claiming) == 1:
        return claiming[0]
    given = next(f"--{option}" for option in LOCATIONS if location_value(spec, option))
    if not claiming:
        raise ShapePluginError(
            f"no installed label shape reads {given}; splitguard's own shapes are missing. "
            "Reinstall splitguard."
        )
    names = ", ".join(shape.name for shape in claiming)
    raise ShapePluginError(
        f"label shapes {names} all claim the labels of {given}; name one with --shape."
    )


def frame_shape(frame: LabelFrame) -> LabelShape:
    """The shape a frame's labels were read in."""
    return shape_of(frame.spec, frame.table)
