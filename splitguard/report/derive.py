"""Per-split figures of a label frame that already has splits (for `check --html`).

They take the shape of the `splits` and `coverage` entries of `report.json`, so the
same sections render a `check` and a `split` report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from splitguard.frame import LabelFrame

# (label, smallest, largest) rows per group; None = no upper end.
GROUP_SIZE_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1),
    ("2", 2, 2),
    ("3-5", 3, 5),
    ("6-10", 6, 10),
    ("11-20", 11, 20),
    ("21-50", 21, 50),
    ("51+", 51, None),
)


def group_size_histogram(sizes: np.ndarray) -> dict[str, int]:
    """Groups per size bin, for sizes of groups with at least one row."""
    out = {}
    for label, low, high in GROUP_SIZE_BINS:
        inside = sizes >= low if high is None else (sizes >= low) & (sizes <= high)
        out[label] = int(inside.sum())
    return out


def split_summaries(frame: LabelFrame) -> list[dict[str, Any]]:
    """Rows, groups and group sizes of each split of `frame` ([] without splits)."""
    if frame.splits is None:
        return []
    out = []
    for code, name in enumerate(frame.split_names):
        in_split = frame.splits == code
        # Rows of each group inside this split: a leaked group counts its part only.
        sizes = np.bincount(frame.groups[in_split], minlength=frame.n_groups)
        sizes = sizes[sizes > 0]
        rows = int(in_split.sum())
        out.append(
            {
                "name": name,
                "rows": rows,
                "fraction": rows / frame.n_rows if frame.n_rows else 0.0,
                "groups": len(sizes),
                "rows_per_group": {
                    "min": int(sizes.min()) if len(sizes) else 0,
                    "median": float(np.median(sizes)) if len(sizes) else 0.0,
                    "max": int(sizes.max()) if len(sizes) else 0,
                },
                "group_size_histogram": group_size_histogram(sizes),
            }
        )
    return out


def coverage_entries(frame: LabelFrame) -> list[dict[str, Any]]:
    """Positives per class and split, against the split's share of all positives."""
    if frame.splits is None:
        return []
    out = []
    total_positives = frame.positives
    for code, name in enumerate(frame.split_names):
        in_split = frame.splits == code
        share = float(in_split.sum()) / frame.n_rows if frame.n_rows else 0.0
        positives = frame.labels[in_split].sum(axis=0, dtype=np.int64)
        groups_in_split = frame.groups[in_split]
        for index, class_name in enumerate(frame.classes):
            positive_groups = len(np.unique(groups_in_split[frame.labels[in_split, index]]))
            out.append(
                {
                    "class": class_name,
                    "split": name,
                    "positives": int(positives[index]),
                    "positive_groups": positive_groups,
                    "target": float(total_positives[index]) * share,
                    "minimum": 0,
                }
            )
    return out
