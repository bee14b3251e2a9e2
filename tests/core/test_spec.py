"""`LabelSpec` from Python: a string is one column or one value, never its characters."""

from __future__ import annotations

import pytest

from splitguard.core.errors import OptionError
from splitguard.core.spec import LabelSpec


def test_a_string_group_is_one_column() -> None:
    spec = LabelSpec(labels="Finding Labels", group="Patient ID")
    assert spec.group == ("Patient ID",)


def test_a_string_none_is_one_value() -> None:
    assert LabelSpec(labels="labels", none="No Finding").none == ("No Finding",)


def test_string_label_columns_and_classes_are_one_name_each() -> None:
    spec = LabelSpec(label_cols="Mass", classes="Mass")
    assert spec.label_cols == ("Mass",)
    assert spec.classes == ("Mass",)


def test_lists_become_tuples() -> None:
    spec = LabelSpec(labels="labels", group=["a", "b"], none=["x"])  # type: ignore[arg-type]
    assert spec.group == ("a", "b")
    assert spec.none == ("x",)


def test_none_with_wide_labels_is_an_error_not_ignored() -> None:
    with pytest.raises(OptionError, match="Leave that column out of --label-cols"):
        LabelSpec(label_cols=("A", "No Finding"), none=("No Finding",))
