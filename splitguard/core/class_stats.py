"""Class frequencies and the weighted-loss weights that balance them.

For a class with positive share `freq_pos` and negative share `freq_neg`, weighting
positives by `w_pos = freq_neg` and negatives by `w_neg = freq_pos` makes both
contribute equally to the loss: `w_pos * freq_pos == w_neg * freq_neg`. PyTorch's
`BCEWithLogitsLoss(pos_weight=...)` takes the ratio, `negatives / positives`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from splitguard.core.frame import LabelFrame


@dataclass(frozen=True, slots=True)
class ClassStats:
    """Frequencies and weights of one class."""

    name: str
    positives: int
    negatives: int
    freq_pos: float
    freq_neg: float
    w_pos: float
    w_neg: float
    pos_weight: float | None  # None when the class has no positive

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class TableStats:
    """Rows, groups, group sizes and the per-class statistics of a label frame."""

    rows: int
    groups: int
    rows_per_group: tuple[int, float, int]  # min, median, max
    labels: tuple[ClassStats, ...]

    def as_dict(self) -> dict[str, Any]:
        minimum, median, maximum = self.rows_per_group
        return {
            "rows": self.rows,
            "groups": self.groups,
            "rows_per_group": {"min": minimum, "median": median, "max": maximum},
            "labels": [label.as_dict() for label in self.labels],
        }

    def weights(self) -> dict[str, Any]:
        """The weights alone, as training code reads them (`--weights-out`)."""
        return {
            "classes": [label.name for label in self.labels],
            "w_pos": [label.w_pos for label in self.labels],
            "w_neg": [label.w_neg for label in self.labels],
            "pos_weight": [label.pos_weight for label in self.labels],
        }


def class_stats(labels: np.ndarray, classes: tuple[str, ...]) -> tuple[ClassStats, ...]:
    """Per-class frequencies and weights of a (rows x classes) boolean matrix."""
    return class_stats_of(labels.sum(axis=0, dtype=np.int64), labels.shape[0], classes)


def class_stats_of(
    positives: np.ndarray, rows: int, classes: tuple[str, ...]
) -> tuple[ClassStats, ...]:
    """Per-class frequencies and weights from the positive rows per class and the rows."""
    out = []
    for name, pos in zip(classes, np.asarray(positives).ravel().tolist(), strict=True):
        neg = rows - pos
        freq_pos = pos / rows if rows else 0.0
        out.append(
            ClassStats(
                name=name,
                positives=pos,
                negatives=neg,
                freq_pos=freq_pos,
                freq_neg=1.0 - freq_pos if rows else 0.0,
                w_pos=1.0 - freq_pos if rows else 0.0,
                w_neg=freq_pos,
                pos_weight=neg / pos if pos else None,
            )
        )
    return tuple(out)


def table_stats(frame: LabelFrame) -> TableStats:
    sizes = frame.group_sizes
    return TableStats(
        rows=frame.n_rows,
        groups=frame.n_groups,
        rows_per_group=(int(sizes.min()), float(np.median(sizes)), int(sizes.max())),
        labels=class_stats(frame.labels, frame.classes),
    )
