"""Split names are identifiers: never a path, a control character or a case-twin."""

from __future__ import annotations

import pytest

from splitguard.core.errors import OptionError
from splitguard.core.options import fractions, path_or_split_paths
from splitguard.core.split_names import MAX_LENGTH, case_collision, check_split_names, name_problem


@pytest.mark.parametrize("name", ["train", "val", "fold-10", "test_2024.v1", "A-b_c.d", "x" * 64])
def test_identifiers_are_split_names(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "empty"),
        (".", "folder reference"),
        ("..", "folder reference"),
        ("../data", "path separator"),
        ("/abs/x", "path separator"),
        ("a\\b", "path separator"),
        ("a\x00b", "control character"),
        ("a\nb", "control character"),
        ("\x1b[31mred", "control character"),
        ("x" * (MAX_LENGTH + 1), "65 characters long"),
        ("hold out", "holds ' '"),
        ("tést", "holds 'é'"),
        ("a:b", "holds ':'"),
    ],
)
def test_names_that_are_not_identifiers(name: str, why: str) -> None:
    problem = name_problem(name)
    assert problem is not None and why in problem


def test_case_twins_collide() -> None:
    assert case_collision(["train", "test"]) is None
    assert case_collision(["train", "test", "Train"]) == ("train", "Train")


def test_options_check_the_names_they_take() -> None:
    with pytest.raises(OptionError, match=r"--fractions: split name '\.\./x' holds a path"):
        fractions("../x=0.5,test=0.5", "--fractions")
    with pytest.raises(OptionError, match="differ only in case"):
        fractions("test=0.5,Test=0.5", "--fractions")
    with pytest.raises(OptionError, match="--keep: split name 'a/b'"):
        path_or_split_paths("a/b=x.csv,test=y.csv", "--keep")
    assert fractions("train=0.5,test=0.5", "--fractions") == {"train": 0.5, "test": 0.5}


def test_a_long_bad_name_is_cut_short_in_the_message() -> None:
    with pytest.raises(OptionError) as caught:
        check_split_names(["x" * 100_000], "--fractions")
    assert len(str(caught.value)) < 400 and "100000 chars" in str(caught.value)
