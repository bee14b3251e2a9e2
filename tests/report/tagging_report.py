"""A report of thousands of classes, for the tests and the report benchmark.

The table is bench/tagging_data.py's (Zipf class popularity, groups of 4), declared
with every class (those no row carries count too); its split is nih_report.py's hash
split, measured as `split_report` measures it, but for the quality figures, left at 0:
their label-pair measure costs seconds at 5,000 classes, and what reads this report
is the class tables.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from report.nih_report import FRACTIONS, MINIMUMS, hash_split

from splitguard.app.runs import Outcome
from splitguard.core.class_stats import table_stats
from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame
from splitguard.core.shortfalls import MinimumSpec, unmet
from splitguard.core.spec import LabelSpec
from splitguard.report.measure import coverage_entries, split_entries, train_floor_entry
from splitguard.report.model import (
    AskedMinimums,
    InputSummary,
    Quality,
    RunReport,
    Shortfall,
    SplitAsked,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from tagging_data import tagging_table, write_parquet


def tagging_report(frame: LabelFrame) -> RunReport:
    """The report of `frame`'s splits, asking 20 positives in val and test."""
    minimums = MinimumSpec(positives=MINIMUMS, positive_groups={}, prevalence={})
    shares = [FRACTIONS[name] for name in frame.split_names]
    return RunReport(
        request=SplitAsked(
            fractions=FRACTIONS,
            folds=None,
            minimums=AskedMinimums.from_dict(minimums.as_dict()),
            train_split="train",
            seed=0,
            keep=None,
        ),
        input=InputSummary(frame.n_rows, frame.n_groups, tuple(frame.classes)),
        stats=table_stats(frame),
        splits=split_entries(frame, shares),
        coverage=coverage_entries(frame, shares, minimums),
        quality=Quality(0.0, 0.0, 0.0, 0.0, 0),
        shortfalls=tuple(Shortfall.from_dict(s.as_dict()) for s in unmet(frame, minimums, shares)),
        train_floor=train_floor_entry(frame, minimums),
        findings_before=(),
        findings_after=(),
    )


def tagging_outcome(folder: Path, rows: int, classes: int) -> Outcome:
    """A `split` run's outcome on a tagging table of `rows` x `classes` written to
    `folder`, ready for `write_outcome` (which writes the report as `split` does)."""
    table = tagging_table(rows, classes, seed=0)
    write_parquet(table, folder / "tags.parquet")
    spec = LabelSpec(labels="labels", group=("patient",), classes=table.classes)
    frame = hash_split(load_frame(folder / "tags.parquet", spec))
    return Outcome(
        command="split",
        frame=frame,
        assignment=np.zeros(frame.n_groups, dtype=np.int8),
        findings=(),
        findings_before=(),
        model=tagging_report(frame),
        exit_status=0,
        column="split",
        options=(),
        seed=0,
    )
