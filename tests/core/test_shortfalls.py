"""What the minimums ask of a table, what its splits miss and why, what no split can give."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from splitguard.core.errors import OptionError
from splitguard.core.frame import LabelFrame
from splitguard.core.options import count_or_percent
from splitguard.core.shortfalls import MinimumSpec, asked, impossible, train_index, unmet

NAMES = ("train", "val", "test")
SHARES = (0.8, 0.1, 0.1)


def spec(**fields: object) -> MinimumSpec:
    values = {"positives": {}, "positive_groups": {}, "prevalence": {}, **fields}
    return MinimumSpec(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "parsed"), [("50%", "50%"), (" 12.5 % ", "12.5%"), ("100%", "100%"), ("25", 25)]
)
def test_a_minimum_is_a_count_or_a_percent(value: str, parsed: object) -> None:
    assert count_or_percent(value, "--min-positives test=") == parsed


@pytest.mark.parametrize("value", ["0%", "101%", "x%", "-5"])
def test_a_bad_percent_is_an_option_error(value: str) -> None:
    with pytest.raises(OptionError, match="--min-positives test="):
        count_or_percent(value, "--min-positives test=")


def test_a_percent_is_of_each_class_and_rare_aims_at_the_rare_ones(
    nih_frame: LabelFrame,
) -> None:
    wanted = asked(spec(positives={"test": "50%"}, classes=("rare",)), NAMES, nih_frame.classes,
                   nih_frame)  # fmt: skip
    hernia = nih_frame.classes.index("Hernia")
    assert wanted.positives[2, hernia] == 114  # ceil(227 / 2)
    assert np.count_nonzero(wanted.positives) == 1


def test_train_index() -> None:
    assert train_index(("val", "train")) == 1
    assert train_index(("a", "b")) == 0
    assert train_index(("fold-1", "fold-2")) is None


def test_what_no_split_can_give_is_said_before_splitting(nih_frame: LabelFrame) -> None:
    from splitguard.split.engine import GroupTable

    nih = GroupTable.of_frame(nih_frame)
    assert impossible(nih, spec(positives={"test": 20}), NAMES, SHARES) == ()
    [hernia] = impossible(nih, spec(prevalence={"test": 0.02}), NAMES, SHARES)
    assert hernia.startswith("Hernia: the minimums ask for 225 positive rows (test 225)")
    assert "train keeps at least 91 (train floor 40%), so at most 136" in hernia
    every = impossible(nih, spec(prevalence={"test": 0.5}), NAMES, SHARES)
    assert any(p.startswith("test: the minimums ask for 78,484 positive labels") for p in every)
    lower = impossible(nih, spec(prevalence={"test": 0.02}, train_floor=0.0), NAMES, SHARES)
    assert lower == ()


def test_unmet_says_what_was_asked_and_why(nih_frame: LabelFrame) -> None:
    rows = np.zeros(nih_frame.n_rows, dtype=np.int8)
    rows[: nih_frame.n_rows // 10] = 2
    split = dataclasses.replace(nih_frame, splits=rows, split_names=NAMES)
    [short] = [
        u
        for u in unmet(split, spec(positives={"val": 1}, classes=("Hernia",)), SHARES)
        if u.label == "Hernia"
    ]
    assert (short.split, short.kind, short.asked, short.reached) == ("val", "min-positives", 1, 0)
    assert short.reason == (
        "the data has 227 positive rows in 134 groups and the train floor (40%) leaves val up "
        "to 136 positive rows: the groups val holds (0 rows, for a fraction of 10%) carry 0 "
        "positive rows"
    )
