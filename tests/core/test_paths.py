"""How outputs name a file: relative to the root, bundled data by its package path."""

from __future__ import annotations

from pathlib import Path

import pytest

from splitguard.core.example import example_path
from splitguard.core.paths import is_outside, shown_path


def test_a_file_under_the_root_is_named_relative_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert shown_path(tmp_path / "data" / "test.csv") == "data/test.csv"
    assert shown_path("data/test.csv") == "data/test.csv"
    assert shown_path("./data/../data/test.csv") == "data/test.csv"
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert shown_path("../data/test.csv", root=tmp_path) == "data/test.csv"
    assert shown_path("x.csv", root=tmp_path) == "sub/x.csv"


def test_a_file_outside_the_root_stays_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    outside = str(tmp_path / "elsewhere.csv")
    assert shown_path(outside) == outside
    assert shown_path("../elsewhere.csv") == "../elsewhere.csv"
    assert is_outside(outside) and is_outside("../elsewhere.csv")
    assert not is_outside("data/test.csv")


def test_the_bundled_table_is_named_by_its_place_in_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert shown_path(example_path()) == "splitguard/data/nih_chestxray14_labels.csv.gz"
