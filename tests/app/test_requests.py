"""Requests built from option values at the edge: one parser and one set of checks for the
command line, the config file and the Python API."""

from __future__ import annotations

import pytest

from splitguard.app.requests import split_request
from splitguard.core.errors import OptionError


def test_default_request_is_80_10_10() -> None:
    request = split_request({})
    assert request.split_names == ("train", "val", "test")
    assert request.shares == (0.8, 0.1, 0.1)


def test_folds_name_their_splits() -> None:
    request = split_request({"folds": 4, "min-positives": {"*": 3}})
    assert request.split_names == ("fold-1", "fold-2", "fold-3", "fold-4")
    assert request.in_split_order(request.min_positives, "min-positives") == [3, 3, 3, 3]


def test_the_train_floor_and_the_classes_aimed_at_are_part_of_the_request() -> None:
    request = split_request(
        {"min-positives": {"test": "50%"}, "min-classes": ("rare",), "train-floor": 0.3}
    )
    assert request.minimums.train_floor == 0.3
    assert request.minimums.classes == ("rare",)
    assert request.as_dict()["min_positives"] == {"test": "50%"}
    assert request.as_dict()["train_split"] == "train"
    assert split_request({}).train_floor == 0.4


def test_train_is_the_split_named_train_else_the_first() -> None:
    assert split_request({"fractions": {"a": 0.2, "train": 0.8}}).train_split == "train"
    assert split_request({"fractions": {"fit": 0.8, "holdout": 0.2}}).train_split == "fit"
    assert split_request({"folds": 3}).train_split is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"folds": 3, "fractions": {"a": 0.5, "b": 0.5}}, "not both"),
        ({"folds": 1}, "2 or more"),
        ({"min-positives": {"holdout": 5}}, "'holdout'"),
        ({"min-prevalence": {"tst": 0.1}}, "'tst'"),
    ],
)
def test_inconsistent_requests_are_option_errors(values: dict[str, object], message: str) -> None:
    with pytest.raises(OptionError, match=message):
        split_request(values)
