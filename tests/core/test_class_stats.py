"""splitguard.core.class_stats: frequencies and the weighted-loss weights that balance them."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from splitguard.core.class_stats import class_stats, table_stats
from splitguard.core.frame import LabelFrame


def test_class_stats_by_hand() -> None:
    labels = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 0], [1, 0, 1]], dtype=bool)
    a, never, c = class_stats(labels.sum(axis=0), labels.shape[0], ("a", "never", "c"))
    assert (a.positives, a.negatives, a.freq_pos, a.freq_neg) == (3, 1, 0.75, 0.25)
    assert (a.w_pos, a.w_neg, a.pos_weight) == (0.25, 0.75, 1 / 3)
    assert (never.positives, never.w_pos, never.w_neg, never.pos_weight) == (0, 1.0, 0.0, None)
    assert c.pos_weight == 3.0
    assert set(a.as_dict()) == {
        "name",
        "positives",
        "negatives",
        "freq_pos",
        "freq_neg",
        "w_pos",
        "w_neg",
        "pos_weight",
    }


@settings(max_examples=50, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 30), st.integers(1, 5))))
def test_weights_balance_positives_and_negatives(labels: np.ndarray) -> None:
    classes = tuple(f"c{j}" for j in range(labels.shape[1]))
    for stat in class_stats(labels.sum(axis=0), labels.shape[0], classes):
        assert stat.positives + stat.negatives == labels.shape[0]
        assert math.isclose(stat.freq_pos + stat.freq_neg, 1.0)
        assert stat.w_pos == stat.freq_neg and stat.w_neg == stat.freq_pos
        assert math.isclose(stat.w_pos * stat.freq_pos, stat.w_neg * stat.freq_neg)
        if stat.positives:
            assert stat.pos_weight is not None
            assert math.isclose(stat.pos_weight, stat.negatives / stat.positives)


def test_table_stats_on_nih(nih_frame: LabelFrame) -> None:
    result = table_stats(nih_frame)
    assert (result.rows, result.groups) == (112_120, 30_805)
    assert result.rows_per_group == (1, 1.0, 184)
    shape = result.as_dict()
    assert list(shape) == ["rows", "groups", "rows_per_group", "labels"]
    weights = result.weights()
    assert weights["classes"] == list(nih_frame.classes)
    hernia = weights["classes"].index("Hernia")
    assert weights["pos_weight"][hernia] == (112_120 - 227) / 227
