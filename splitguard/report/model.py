"""The report of a `split` or `fix` run, as the plain dict written to report.json.

Per class and split: positives, positive groups, target and minimum; per split: rows,
groups and group sizes; the quality figures; the findings before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from splitguard.core.aggregate import Aggregates
from splitguard.core.class_stats import table_stats
from splitguard.core.frame import LabelFrame
from splitguard.core.shortfalls import MinimumSpec

REPORT_VERSION = 1
# (label, smallest, largest) rows per group; None = no upper end.
SIZE_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1),
    ("2", 2, 2),
    ("3-5", 3, 5),
    ("6-10", 6, 10),
    ("11-20", 11, 20),
    ("21-50", 21, 50),
    ("51+", 51, None),
)


def size_histogram(sizes: np.ndarray) -> dict[str, int]:
    """Groups per size bin (1, 2, 3-5, ..., 51+), for the sizes of groups in a split."""
    out: dict[str, int] = {}
    for label, low, high in SIZE_BINS:
        upper = np.inf if high is None else high
        out[label] = int(((sizes >= low) & (sizes <= upper)).sum())
    return out


def actual_shares(frame: LabelFrame) -> np.ndarray:
    """Each split's share of the rows, for splits that were not requested (`check`)."""
    rows = Aggregates.of(frame).rows_by_split
    shares: np.ndarray = rows / max(1, int(rows.sum()))
    return shares


def split_entries(frame: LabelFrame, shares: Sequence[float] | np.ndarray) -> list[dict[str, Any]]:
    """Rows, groups and group sizes of each split, against its share of the rows.

    A group in two splits counts in both, with its rows in each (the leak is reported
    by the rules).
    """
    rows_by_group = Aggregates.of(frame).group_rows_by_split
    entries = []
    for s, name in enumerate(frame.split_names):
        sizes = rows_by_group[:, s]
        sizes = sizes[sizes > 0]
        entries.append(
            {
                "name": name,
                "rows": int(sizes.sum()),
                "target_rows": float(shares[s] * frame.n_rows),
                "fraction": float(shares[s]),
                "groups": len(sizes),
                "rows_per_group": {
                    "min": int(sizes.min()) if len(sizes) else 0,
                    "median": float(np.median(sizes)) if len(sizes) else 0.0,
                    "max": int(sizes.max()) if len(sizes) else 0,
                },
                "group_size_histogram": size_histogram(sizes),
            }
        )
    return entries


def coverage_entries(
    frame: LabelFrame,
    shares: Sequence[float] | np.ndarray,
    minimums: MinimumSpec | Mapping[str, Sequence[int]] | None = None,
) -> list[dict[str, Any]]:
    """Positive rows and groups per class and split, against target and minimum.

    A `MinimumSpec` gives each class its own minimum (a percent of the class, a
    prevalence at the split's size, only the classes it aims at); a mapping of
    ``positives`` and ``positive_groups`` lists gives one per split.
    """
    aggregates = Aggregates.of(frame)
    positives, positive_groups = aggregates.positives_by_split, aggregates.positive_groups_by_split
    minimum_rows, minimum_groups = minimum_tables(frame, minimums)
    return [
        {
            "class": name,
            "split": split,
            "positives": int(positives[s, c]),
            "positive_groups": int(positive_groups[s, c]),
            "target": float(shares[s] * frame.positives[c]),
            "minimum": int(minimum_rows[s, c]),
            "minimum_groups": int(minimum_groups[s, c]),
        }
        for c, name in enumerate(frame.classes)
        for s, split in enumerate(frame.split_names)
    ]


def minimum_tables(
    frame: LabelFrame, minimums: MinimumSpec | Mapping[str, Sequence[int]] | None
) -> tuple[np.ndarray, np.ndarray]:
    """(S, C) positive rows and positive groups the minimums ask of each class and split."""
    from splitguard.core.shortfalls import asked

    shape = (len(frame.split_names), frame.n_classes)
    if isinstance(minimums, MinimumSpec):
        wanted = asked(minimums, frame.split_names, frame.classes, frame)
        rows = Aggregates.of(frame).rows_by_split[:, None]
        at_size = np.ceil(wanted.prevalence * rows - 1e-9)
        return np.maximum(wanted.positives, at_size), wanted.positive_groups
    minimums = minimums or {}
    zeros = [0] * shape[0]
    return (
        np.broadcast_to(np.asarray(minimums.get("positives", zeros))[:, None], shape),
        np.broadcast_to(np.asarray(minimums.get("positive_groups", zeros))[:, None], shape),
    )


def train_floor_entry(frame: LabelFrame, spec: MinimumSpec) -> dict[str, Any] | None:
    """The train floor and the smallest share of a class's positive rows train holds."""
    from splitguard.core.shortfalls import train_index

    train = train_index(frame.split_names)
    totals = frame.positives
    if train is None or not (totals > 0).any():
        return None
    held = Aggregates.of(frame).positives_by_split[train] / np.maximum(totals, 1)
    lowest = int(np.argmin(np.where(totals > 0, held, np.inf)))
    return {
        "train_split": frame.split_names[train],
        "train_floor": spec.train_floor,
        "lowest_class": frame.classes[lowest],
        "lowest_share": float(held[lowest]),
    }


def split_report(
    frame: LabelFrame,
    *,
    command: str,
    request: Mapping[str, Any],
    shares: Sequence[float],
    minimums: MinimumSpec | Mapping[str, Sequence[int]],
    shortfalls: Sequence[Mapping[str, Any]] = (),
    findings_before: Sequence[Mapping[str, Any]] = (),
    findings_after: Sequence[Mapping[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The report.json dict of a frame whose `splits` are the result."""
    assert frame.splits is not None
    report: dict[str, Any] = {
        "version": REPORT_VERSION,
        "command": command,
        "request": dict(request),
        "input": {"rows": frame.n_rows, "groups": frame.n_groups, "classes": list(frame.classes)},
        "stats": table_stats(frame).as_dict(),
        "splits": split_entries(frame, shares),
        "coverage": coverage_entries(frame, shares, minimums),
        "quality": quality(frame, np.asarray(shares, dtype=np.float64)),
        "shortfalls": [dict(s) for s in shortfalls],
        "train_floor": (
            train_floor_entry(frame, minimums) if isinstance(minimums, MinimumSpec) else None
        ),
        "findings_before": list(findings_before),
        "findings_after": list(findings_after),
    }
    report.update(extra or {})
    return report


# Classes with fewer positives are too small for a relative deviation to mean much.
DEVIATION_MIN_POSITIVES = 100


def quality(frame: LabelFrame, shares: np.ndarray) -> dict[str, float | int]:
    """LD, LPD, ED, the worst relative deviation from target and the leaked groups."""
    from splitguard.split.metrics import evaluate

    assert frame.splits is not None
    measured = evaluate(
        frame.labels,
        frame.splits,
        list(shares),
        groups=frame.groups,
        min_class_positives=DEVIATION_MIN_POSITIVES,
    )
    return {
        "LD": measured.label_distribution,
        "LPD": measured.label_pair_distribution,
        "ED": measured.example_distribution,
        "worst_relative_deviation": measured.worst_relative_deviation,
        "leaked_groups": measured.leaked_groups,
    }
