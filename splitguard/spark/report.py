"""A Spark run's report from the counts and the assignment: no row reaches the driver.

`split --engine spark` and `fix --engine spark` both report what the in-memory runs
report (sizes, coverage, balance, shortfalls, the train floor; `fix` its moves) from
the group x class counts and each group's split; only the label-pair totals per split
are counted again, in Spark. The findings come from `splitguard.spark.lint.result_findings`
(the rules that read rows on a sample, which the report names).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from splitguard.core.shortfalls import MinimumSpec, SplitTotals, Unmet
    from splitguard.lint.findings import Finding
    from splitguard.report.model import FixAsked, Repair, RunReport, SampledRules, SplitAsked
    from splitguard.split.engine import GroupTable


def assigned_splits(
    spark: SparkSession,
    table: GroupTable,
    group_split: np.ndarray,
    names: tuple[str, ...],
    column: str,
) -> DataFrame:
    """(`GROUP`, split_index, `column`): each group's split, a small DataFrame of G rows."""
    import pyarrow as pa

    from splitguard.spark.counts import GROUP

    split_names = np.array(names, dtype=object)
    return spark.createDataFrame(
        pa.table(
            {
                GROUP: pa.array(table.group_names.astype(str), pa.string()),
                "split_index": pa.array(group_split.astype(np.int32)),
                column: pa.array(split_names[group_split].astype(str), pa.string()),
            }
        )
    )


def counts_report(
    table: GroupTable,
    group_split: np.ndarray,
    totals: SplitTotals,
    *,
    asked: SplitAsked | FixAsked,
    shares: Sequence[float],
    minimums: MinimumSpec,
    shortfalls: Sequence[Unmet | Mapping[str, Any]],
    pairs: DataFrame,
    assigned: DataFrame,
    findings_before: Sequence[Finding],
    findings_after: Sequence[Finding],
    sampled: SampledRules | None,
    repair: Repair | None = None,
    kept: Mapping[str, Any] | None = None,
) -> RunReport:
    """The run's report from the counts and the assignment (`assigned`: `assigned_splits`);
    no row is read again but for the label-pair totals per split, counted in Spark from
    `pairs` (`splitguard.spark.counts.pair_rows`). The findings are the rules' on the
    input's splits and on the result, `sampled` which rules saw a sample of the rows.
    `repair` is a fix's moves; `kept` what a split's --keep kept (`Kept.summary`)."""
    from splitguard.core.class_stats import TableStats, class_stats
    from splitguard.report.measure import (
        coverage_entries_of,
        quality_of,
        split_entries_of,
        train_floor_of,
    )
    from splitguard.report.model import InputSummary, Kept, RunReport, Shortfall
    from splitguard.spark.counts import pairs_by_split

    names = totals.split_names
    share_array = np.asarray(shares, dtype=np.float64)
    sizes = table.group_sizes
    pair_totals = pairs_by_split(pairs, assigned, table.n_groups, table.classes, len(names))
    return RunReport(
        request=asked,
        input=InputSummary(table.n_rows, table.n_groups, table.classes),
        stats=TableStats(
            rows=table.n_rows,
            groups=table.n_groups,
            rows_per_group=(int(sizes.min()), float(np.median(sizes)), int(sizes.max())),
            labels=class_stats(table.positives, table.n_rows, table.classes),
        ),
        splits=split_entries_of(
            [sizes[group_split == s] for s in range(len(names))], names, share_array, table.n_rows
        ),
        coverage=coverage_entries_of(totals, share_array, minimums),
        quality=quality_of(
            totals.positives_by_split,
            pair_totals,
            totals.rows_by_split,
            share_array,
            # Each group has one split index: no group can be in two splits.
            leaked_groups=0,
        ),
        shortfalls=tuple(
            Shortfall.from_dict(u if isinstance(u, Mapping) else u.as_dict()) for u in shortfalls
        ),
        train_floor=train_floor_of(
            names, table.classes, table.positives, totals.positives_by_split, minimums
        ),
        findings_before=tuple(f.shown() for f in findings_before),
        findings_after=tuple(f.shown() for f in findings_after),
        kept=None if kept is None else Kept.from_dict(kept),
        repair=repair,
        sampled=sampled,
    )
