"""The coverage sentence says what the numbers say (report.summary)."""

from __future__ import annotations

from splitguard.report.model import CoverageEntry, Shortfall, TrainFloor
from splitguard.report.summary import coverage_sentence


def entry(label: str, split: str, positives: int, minimum: int = 0) -> CoverageEntry:
    return CoverageEntry(label, split, positives, positives, float(positives), minimum, 0)


FLOOR = TrainFloor(train_split="train", train_floor=0.4, lowest_class="B", lowest_share=0.41)


def test_every_minimum_met_names_the_closest_and_the_train_floor() -> None:
    coverage = [entry("A", "train", 80), entry("A", "test", 25, 20),
                entry("B", "train", 9), entry("B", "test", 12, 10)]  # fmt: skip
    assert coverage_sentence(coverage, [], FLOOR) == (
        "All 2 classes have positives in all 2 splits. Every minimum asked is met (2 "
        "class-split pairs; the closest: B in test, 12 positive rows for 10 asked). The "
        "train floor keeps at least 40% of every class's positive rows in train; the lowest "
        "it holds is 41.0%, of B."
    )


def test_absent_classes_and_unmet_minimums_are_named() -> None:
    coverage = [entry("A", "train", 80), entry("A", "test", 0, 20)]
    shortfalls = [Shortfall("A", "test", "min-positives", 20, 0, "the data has no more")]
    assert coverage_sentence(coverage, shortfalls) == (
        "1 class-split pair of 2 has no positive row: A in test. 1 minimum asked not met: "
        "A in test (min-positives 0 reached of 20)."
    )


def test_no_minimum_asked_says_so() -> None:
    assert coverage_sentence([entry("A", "train", 3), entry("A", "test", 1)]) == (
        "The class has positives in all 2 splits. No minimum was asked."
    )
