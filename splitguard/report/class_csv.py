"""Every class's row, as CSV files `split` and `fix` write beside a report too long to hold them.

A page of 5,000 classes shows their two ends (see `scale`); these files hold them all:
classes.csv one row per class in the input's class order (training code indexes the
weights by class position), split_classes.csv one row per class and split. Figures are
written whole (no thousands separators, full float precision) for a program to read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from splitguard.core.class_stats import TableStats
from splitguard.report.model import CoverageEntry, RunReport, SplitEntry
from splitguard.report.scale import CLASSES_CSV, SPLIT_CLASSES_CSV, Elsewhere, long_list

# Where a split or fix report sends the reader for the classes it leaves out.
BESIDE_THE_REPORT = Elsewhere(
    classes=f"{CLASSES_CSV}, beside this report, has every class.",
    weights=f"{CLASSES_CSV}, beside this report, has every class's w_pos, w_neg and "
    "pos_weight, in the input's class order.",
    coverage=f"{SPLIT_CLASSES_CSV}, beside this report, has every class in every split.",
    links=(CLASSES_CSV, SPLIT_CLASSES_CSV),
)


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return buffer.getvalue()


def classes_csv(stats: TableStats) -> str:
    """One row per class, in the input's class order: counts, shares and weights."""
    return _csv(
        ("class", "positives", "negatives", "freq_pos", "freq_neg", "w_pos", "w_neg",
         "pos_weight"),
        (
            (label.name, label.positives, label.negatives, label.freq_pos, label.freq_neg,
             label.w_pos, label.w_neg, label.pos_weight)
            for label in stats.labels
        ),
    )  # fmt: skip


def split_classes_csv(
    coverage: Sequence[CoverageEntry], splits: Sequence[SplitEntry], classes: Sequence[str]
) -> str:
    """One row per class (in `classes` order) and split (in `splits` order)."""
    order = {name: index for index, name in enumerate(classes)}
    split_order = {split.name: index for index, split in enumerate(splits)}
    entries = sorted(
        coverage,
        key=lambda e: (order.get(e.label, len(order)), split_order.get(e.split, len(splits))),
    )
    return _csv(
        ("class", "split", "positives", "positive_groups", "target", "minimum",
         "minimum_groups"),
        (
            (e.label, e.split, e.positives, e.positive_groups, e.target, e.minimum,
             e.minimum_groups)
            for e in entries
        ),
    )  # fmt: skip


def report_csvs(report: RunReport) -> dict[str, str]:
    """The CSV files beside a report of more classes than its page shows: name -> text
    (none for a short class list, whose page has every class)."""
    if not long_list(len(report.stats.labels)):
        return {}
    classes = [label.name for label in report.stats.labels]
    return {
        CLASSES_CSV: classes_csv(report.stats),
        SPLIT_CLASSES_CSV: split_classes_csv(report.coverage, report.splits, classes),
    }
