"""A realistic `report.json` dict from the NIH table, split by a hash of the patient id.

The report renderers take plain dicts, so they are tested (and benchmarked) without the
splitter: a per-patient hash split gives NIH-sized numbers, leak-free by construction.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from splitguard import __version__
from splitguard.core.class_stats import table_stats
from splitguard.core.frame import LabelFrame
from splitguard.report.model import actual_shares, coverage_entries, split_entries

FRACTIONS = {"train": 0.8, "val": 0.1, "test": 0.1}
MINIMUMS = {"val": 20, "test": 20}


def hash_split(frame: LabelFrame) -> LabelFrame:
    """The frame with splits 80/10/10 by a fixed hash of the group number."""
    # Knuth's multiplicative hash: deterministic and well spread over group numbers.
    spread = (frame.groups.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(1000)
    codes = np.where(spread < 800, 0, np.where(spread < 900, 1, 2)).astype(np.int8)
    return dataclasses.replace(frame, splits=codes, split_names=("train", "val", "test"))


def nih_report(frame: LabelFrame, command: str = "split") -> dict[str, Any]:
    split_frame = hash_split(frame)
    shares = [FRACTIONS[name] for name in split_frame.split_names]
    splits = split_entries(split_frame, shares)
    minimums = [MINIMUMS.get(name, 0) for name in split_frame.split_names]
    # Coverage targets from the hash split's actual shares, as `check` computes them.
    coverage = coverage_entries(split_frame, actual_shares(split_frame), {"positives": minimums})
    report: dict[str, Any] = {
        "version": 1,
        "command": command,
        "request": {
            "fractions": FRACTIONS,
            "folds": None,
            "min_positives": MINIMUMS,
            "min_positive_groups": {},
            "min_prevalence": {},
            "seed": 0,
            "keep": None,
        },
        "input": {"rows": frame.n_rows, "groups": frame.n_groups, "classes": list(frame.classes)},
        "stats": table_stats(frame).as_dict(),
        "splits": splits,
        "coverage": coverage,
        "quality": {
            "LD": 0.0012,
            "LPD": 0.0031,
            "ED": 0.0004,
            "worst_relative_deviation": 0.08,
            "leaked_groups": 0,
        },
        "shortfalls": [],
        "findings_before": [],
        "findings_after": [],
        "keep": None,
    }
    if command == "fix":
        report["findings_before"] = [leak_finding("1234", 3), leak_finding("<b>99</b>", 2)]
        report["moves"] = [
            {"group": str(g), "from": ["train", "test"], "to": "train", "rows": 2}
            for g in range(250)
        ]
        report["moves_summary"] = {"groups": 250, "rows": 500, "lower_bound_rows": 480}
    return report


def leak_finding(group: str, rows: int) -> dict[str, Any]:
    return {
        "code": "SG201",
        "name": "group-in-several-splits",
        "family": "leakage",
        "severity": "error",
        "message": f"group {group} is in train and test ({rows} rows)",
        "location": {
            "split": "test",
            "label": None,
            "group": group,
            "column": "Patient ID",
            "file": None,
            "row_ids": ["00000001_000.png"],
            "n_rows": rows,
            "n_groups": 1,
        },
    }


def nih_manifest() -> dict[str, Any]:
    return {
        "splitguard_version": __version__,
        "inputs": [{"path": "nih_chestxray14_labels.csv.gz", "sha256": "ab" * 32}],
        "outputs": [
            {"path": f"{name}.parquet", "sha256": f"{index:02d}" * 32}
            for index, name in enumerate(FRACTIONS)
        ],
        "options": {"fractions": FRACTIONS, "min_positives": MINIMUMS, "seed": 0},
        "seed": 0,
    }
