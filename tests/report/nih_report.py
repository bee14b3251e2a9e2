"""Realistic reports from the NIH table: a hash split measured by the report's builder,
and a real `splitguard fix` run on a leaky row split.

The split report is built by `split_report` from a per-patient hash split (NIH-sized
numbers, leak-free by construction), so the renderers are tested (and benchmarked)
without the splitter; its findings are left empty (the rules have their own tests).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from splitguard import __version__
from splitguard.core.frame import LabelFrame
from splitguard.core.shortfalls import MinimumSpec, unmet
from splitguard.report.model import AskedMinimums, RunReport, SplitAsked, split_report

FRACTIONS = {"train": 0.8, "val": 0.1, "test": 0.1}
MINIMUMS = {"val": 20, "test": 20}
NIH_ARGS = (
    "--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
    "--id", "Image Index", "--group", "Patient ID",
)  # fmt: skip


def hash_split(frame: LabelFrame) -> LabelFrame:
    """The frame with splits 80/10/10 by a fixed hash of the group number."""
    # Knuth's multiplicative hash: deterministic and well spread over group numbers.
    spread = (frame.groups.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(1000)
    codes = np.where(spread < 800, 0, np.where(spread < 900, 1, 2)).astype(np.int8)
    return dataclasses.replace(frame, splits=codes, split_names=("train", "val", "test"))


def nih_report(frame: LabelFrame) -> RunReport:
    """The report of the hash split of `frame`, asking 20 positives in val and test."""
    split_frame = hash_split(frame)
    spec = MinimumSpec(positives=MINIMUMS, positive_groups={}, prevalence={})
    shares = [FRACTIONS[name] for name in split_frame.split_names]
    request = SplitAsked(
        fractions=FRACTIONS,
        folds=None,
        minimums=AskedMinimums.from_dict(spec.as_dict()),
        train_split="train",
        seed=0,
        keep=None,
    )
    return split_report(
        split_frame,
        command="split",
        request=request,
        shares=shares,
        minimums=spec,
        shortfalls=[shortfall.as_dict() for shortfall in unmet(split_frame, spec, shares)],
    )


def leaky_split(nih_path: Path, folder: Path) -> list[str]:
    """NIH split by rows at random, 80/10/10 (thousands of patients in two splits), written
    to `folder`; the SPLIT=PATH arguments that read it."""
    table = pacsv.read_csv(
        nih_path, convert_options=pacsv.ConvertOptions(column_types={"Patient ID": pa.string()})
    )
    draw = np.random.default_rng(0).random(table.num_rows)
    masks = (draw < 0.8, (draw >= 0.8) & (draw < 0.9), draw >= 0.9)
    for name, mask in zip(FRACTIONS, masks, strict=True):
        pq.write_table(table.filter(pa.array(mask)), folder / f"{name}.parquet")
    return [f"{name}={folder / f'{name}.parquet'}" for name in FRACTIONS]


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
