"""SG108's choice of separator, on class lists like the ones a wrong --sep makes."""

from __future__ import annotations

from itertools import combinations

from splitguard.core.frame import LabelFrame
from splitguard.rules.schema_options import likelier_separator, separator_fit


def test_nih_read_without_its_separator(nih_frame: LabelFrame) -> None:
    singles = list(nih_frame.classes)
    pairs = [f"{a}|{b}" for a in singles[:5] for b in singles[5:9]]
    fit = likelier_separator([*singles, *pairs], ",")
    assert fit is not None and fit.separator == "|"
    assert fit.classes_after == 14 and fit.names_explained == len(pairs)


def test_combinations_without_single_classes() -> None:
    # No class stands alone; splitting must at least halve the list to count.
    pairs = [f"{a};{b}" for a, b in combinations("abcde", 2)]
    fit = likelier_separator(pairs, "|")
    assert fit is not None and fit.separator == ";" and fit.names_explained == 0
    assert fit.classes_after == 5 and len(pairs) == 10
    few = ["a;b", "a;c", "b;c"]
    assert separator_fit(few, ";").classes_after == 3
    assert likelier_separator(few, "|") is None


def test_names_that_merely_hold_punctuation_are_left_alone() -> None:
    classes = ["Pleural Thickening/Calcification", "Effusion, left", "Effusion", "Mass"]
    assert likelier_separator(classes, "|") is None
