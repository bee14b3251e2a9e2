"""The report of a `split` or `fix` run, as the plain dict written to report.json.

Per class and split: positives, positive groups, target and minimum; per split: rows,
groups and group sizes; the quality figures; the findings before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from splitguard.frame import LabelFrame
from splitguard.stats import table_stats

REPORT_VERSION = 1
SIZE_BINS = ((1, 1), (2, 2), (3, 5), (6, 10), (11, 20), (21, 50), (51, None))


def counts_by_split(frame: LabelFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows, groups, positive rows and positive groups per split: (S,), (S,), (S,C), (S,C).

    A group that sits in two splits counts in both (that is the leak the rules report).
    """
    assert frame.splits is not None
    n_splits, n_classes = len(frame.split_names), frame.n_classes
    rows = np.bincount(frame.splits.astype(np.int64), minlength=n_splits)
    groups = np.zeros(n_splits, dtype=np.int64)
    positives = np.zeros((n_splits, n_classes), dtype=np.int64)
    positive_groups = np.zeros((n_splits, n_classes), dtype=np.int64)
    for s in range(n_splits):
        in_split = frame.splits == s
        labels = frame.labels[in_split]
        positives[s] = labels.sum(axis=0)
        split_groups = frame.groups[in_split]
        groups[s] = len(np.unique(split_groups))
        hit_rows, hit_cols = np.nonzero(labels)
        pairs = np.unique(split_groups[hit_rows] * n_classes + hit_cols)
        positive_groups[s] = np.bincount(pairs % n_classes, minlength=n_classes)
    return rows, groups, positives, positive_groups


def size_histogram(sizes: np.ndarray) -> dict[str, int]:
    out: dict[str, int] = {}
    for low, high in SIZE_BINS:
        key = str(low) if low == high else (f"{low}+" if high is None else f"{low}-{high}")
        upper = np.inf if high is None else high
        out[key] = int(((sizes >= low) & (sizes <= upper)).sum())
    return out


def split_report(
    frame: LabelFrame,
    *,
    command: str,
    request: Mapping[str, Any],
    shares: Sequence[float],
    minimums: Mapping[str, Sequence[int]],
    shortfalls: Sequence[Mapping[str, Any]] = (),
    findings_before: Sequence[Mapping[str, Any]] = (),
    findings_after: Sequence[Mapping[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The report.json dict of a frame whose `splits` are the result."""
    assert frame.splits is not None
    rows, groups, positives, positive_groups = counts_by_split(frame)
    total_positives = frame.positives.astype(np.float64)
    shares_array = np.asarray(shares, dtype=np.float64)
    splits = []
    for s, name in enumerate(frame.split_names):
        in_split = frame.splits == s
        sizes = np.bincount(frame.groups[in_split], minlength=frame.n_groups)
        sizes = sizes[sizes > 0]
        splits.append(
            {
                "name": name,
                "rows": int(rows[s]),
                "target_rows": float(shares_array[s] * frame.n_rows),
                "fraction": float(shares_array[s]),
                "groups": int(groups[s]),
                "rows_per_group": {
                    "min": int(sizes.min()) if len(sizes) else 0,
                    "median": float(np.median(sizes)) if len(sizes) else 0.0,
                    "max": int(sizes.max()) if len(sizes) else 0,
                },
                "group_size_histogram": size_histogram(sizes),
            }
        )
    coverage = [
        {
            "class": name,
            "split": split,
            "positives": int(positives[s, c]),
            "positive_groups": int(positive_groups[s, c]),
            "target": float(shares_array[s] * total_positives[c]),
            "minimum": int(minimums.get("positives", [0] * len(shares))[s]),
            "minimum_groups": int(minimums.get("positive_groups", [0] * len(shares))[s]),
        }
        for c, name in enumerate(frame.classes)
        for s, split in enumerate(frame.split_names)
    ]
    report: dict[str, Any] = {
        "version": REPORT_VERSION,
        "command": command,
        "request": dict(request),
        "input": {"rows": frame.n_rows, "groups": frame.n_groups, "classes": list(frame.classes)},
        "stats": table_stats(frame).as_dict(),
        "splits": splits,
        "coverage": coverage,
        "quality": quality(frame, shares_array),
        "shortfalls": [dict(s) for s in shortfalls],
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
