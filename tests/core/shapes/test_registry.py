"""splitguard.core.shapes.registry: shapes found through entry points, checked, by name."""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint, entry_points
from typing import ClassVar

import pyarrow as pa
import pytest

from splitguard.core.errors import OptionError
from splitguard.core.labels import Locator, Parsed
from splitguard.core.plugins import installed_entry_points
from splitguard.core.shapes.base import LabelShape
from splitguard.core.shapes.registry import (
    GROUP,
    ShapePluginError,
    candidate_shapes,
    collect,
    registered_shapes,
    shape_named,
    shape_of,
)
from splitguard.core.spec import LabelSpec


class _Shape(LabelShape):
    name: ClassVar[str] = "plain"
    option: ClassVar[str] = "labels"

    def parse(self, table: pa.Table, spec: LabelSpec, *, strict: bool, where: Locator) -> Parsed:
        raise AssertionError("not read in these tests")


class _Greedy(_Shape):
    name: ClassVar[str] = "greedy"

    def claims(self, spec: LabelSpec, table: pa.Table | None) -> bool:
        return True


class _Twin(_Shape):
    """Another package's shape of the same name."""


class _Misnamed(_Shape):
    name: ClassVar[str] = "other-name"


class _NoOption(_Shape):
    option: ClassVar[str] = "sep"


def _entry(name: str, attribute: str) -> EntryPoint:
    return EntryPoint(name, f"{__name__}:{attribute}", GROUP)


def test_the_four_shapes_are_registered_by_name() -> None:
    assert list(registered_shapes()) == ["delimited", "list", "long", "wide"]
    assert {entry.name for entry in entry_points(group=GROUP)} >= set(registered_shapes())


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_entry("plain", "_Misnamed"), "must set `name` to the entry point's name"),
        (_entry("plain", "_NoOption"), "`option` must be one of labels, label-cols, long"),
        (_entry("plain", "LabelSpec"), "not a splitguard LabelShape class"),
        (EntryPoint("plain", "no_such_module_here:Shape", GROUP), "failed to load"),
    ],
)
def test_a_bad_plugin_is_one_error_naming_it(entry: EntryPoint, message: str) -> None:
    with pytest.raises(ShapePluginError, match=message):
        collect([entry])


def test_a_taken_name_is_refused() -> None:
    with pytest.raises(ShapePluginError, match="already taken"):
        collect([_entry("plain", "_Shape"), _entry("plain", "_Twin")])


def test_an_unknown_name_lists_the_shapes() -> None:
    with pytest.raises(OptionError, match="'csv' is not a label shape; use one of delimited"):
        shape_named("csv")
    with pytest.raises(OptionError, match="--shape 'csv'"):
        LabelSpec(labels="a", shape="csv")


def test_the_column_type_picks_delimited_or_list() -> None:
    spec = LabelSpec(labels="a")
    text = pa.table({"a": ["x|y"]})
    lists = pa.table({"a": pa.array([["x", "y"]], pa.list_(pa.string()))})
    assert shape_of(spec, text).name == "delimited"
    assert shape_of(spec, lists).name == "list"
    assert [shape.name for shape in candidate_shapes(spec)] == ["delimited", "list"]
    assert shape_of(LabelSpec(labels="a", shape="list"), text).name == "list"


def test_two_shapes_claiming_the_same_labels_ask_for_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [*entry_points(group=GROUP), _entry("greedy", "_Greedy")]
    registry = sys.modules[registered_shapes.__module__]
    monkeypatch.setattr(registry, "entry_points_in", lambda group: entries)
    installed_entry_points.cache_clear()
    registered_shapes.cache_clear()
    try:
        text = pa.table({"a": ["x|y"]})
        with pytest.raises(ShapePluginError, match=r"delimited, greedy all claim .*--shape"):
            shape_of(LabelSpec(labels="a"), text)
        assert shape_of(LabelSpec(labels="a", shape="greedy"), text).name == "greedy"
    finally:
        installed_entry_points.cache_clear()
        registered_shapes.cache_clear()
