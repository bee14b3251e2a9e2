"""`splitguard fix --engine spark`: count in Spark, repair on the driver, write in Spark.

Spark reads the existing splits (`DIR/split=NAME/` as `split --engine spark` writes
them, one table with ``--split-col``, or one path per split) and counts the rows of
every group in every split and the group x class positives; the driver runs the
in-memory engine's repair on those counts (`splitguard.split.fixer.fix_counts`), so the
same splits, options and seed give the same moves whatever the engine; Spark joins each
row to its group's new split and writes the rows partitioned by split, with the report
and manifest `split --engine spark` writes. The rules run on the input's splits as
`check --engine spark` runs them (Spark counts them), and on the result from the counts
and the new assignment, with a sample of the rows for the rules that read rows. Driver
memory: the `split --engine spark` formula plus the (G, S) rows per group and split.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.app.runs import (
    Progress,
    check_options,
    exit_status,
    fix_options,
    unheard,
)
from splitguard.core.errors import OptionError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from splitguard.core.spec import LabelSpec
    from splitguard.lint.findings import Finding
    from splitguard.report.model import RunReport
    from splitguard.split.engine import GroupTable
    from splitguard.split.fixer import FixRequest, Repaired


@dataclass(frozen=True, eq=False)
class SparkFix:
    """A repair made on Spark, before it is written (written by `write_spark_split`).

    `rows` are the input rows with their new split in `column` (a lazy Spark DataFrame);
    `repaired` the repair worked out on the counts of `table`; `model` the report;
    `findings` the rules' on the result, which set the exit status.
    """

    rows: DataFrame
    table: GroupTable
    repaired: Repaired
    model: RunReport
    request: FixRequest
    spec: LabelSpec
    inputs: tuple[Path, ...]
    findings: tuple[Finding, ...]
    exit_status: int
    column: str = "split"

    @property
    def seed(self) -> int:
        return self.request.seed

    @property
    def options(self) -> list[tuple[str, Any]]:
        """The run's options as the manifest records them, keyed by option name."""
        from splitguard.spark.run import spark_spec_options

        return [("engine", "spark"), *fix_options(self.request), *spark_spec_options(self.spec)]


def run_spark_fix(
    request: FixRequest,
    spec: LabelSpec,
    data: Any,
    *,
    spark: SparkSession | None = None,
    progress: Progress = unheard,
) -> SparkFix:
    """Repair the splits of `data` as `request` asks: a path Spark reads (split by
    ``--split-col``, or by its `split=NAME` folders), a Spark DataFrame with
    ``--split-col``, or (split, path or DataFrame) pairs."""
    from splitguard.app.fix import shown_moves
    from splitguard.lint.config import LintConfig
    from splitguard.lint.engine import lint
    from splitguard.report.model import FixAsked, Move, MovesSummary, Repair
    from splitguard.spark.counts import keyed_rows, row_labels
    from splitguard.spark.lint import SPLIT, result_findings, sampled_table, split_rows
    from splitguard.spark.read import data_columns, is_remote
    from splitguard.spark.report import assigned_splits, counts_report
    from splitguard.spark.run import counted_table, kept_columns, rows_with_split
    from splitguard.split.fixer import fix_counts

    progress("reading the splits")
    source = split_rows(data, spec, spark)
    if not source.has_splits:
        raise OptionError(
            "fix repairs existing splits: give SPLIT=PATH inputs (train=a.parquet "
            "test=b.parquet), a folder of split=NAME/ folders, or one table with --split-col."
        )
    names, column = source.split_names, "split"
    # Split files or split=NAME folders may hold the column of an earlier run.
    own = kept_columns(data_columns(source.rows), spec.split_col or column, column)
    if spec.long:
        from splitguard.spark.long import long_items

        # Long labels: the rows of an (id, split) make one item, counted as a row is.
        keyed, items = long_items(source.rows, spec, split=SPLIT)
        labelled, classes, counted = items, None, items
    else:
        keyed = keyed_rows(source.rows, spec)
        labelled, classes = row_labels(keyed, spec)
        counted = keyed
    with counted_table(labelled, classes, spec) as (table, pairs):
        rows_by_split = _rows_by_split(counted, table.group_names, names)
        progress("repairing")
        repaired = fix_counts(
            rows_by_split, table.counts, table.group_names, names, table.classes, request
        )
        progress("checking the result")
        assigned = assigned_splits(keyed.sparkSession, table, repaired.group_split, names, column)
        moves = shown_moves(repaired.moves, hide_ids=request.hide_ids)
        given = check_options(request)
        # The input's splits as they are: Spark counts them as `check --engine spark` does.
        input_table = sampled_table(data, spec, spark=spark, seed=request.seed)
        before = lint(input_table, LintConfig.of(given)).findings
        after, sampled = result_findings(
            keyed,
            table,
            repaired.group_split,
            names,
            spec,
            {**given, "fractions": repaired.fractions},
            own=own,
            file=_result_file(data),
            seed=request.seed,
        )
        model = counts_report(
            table,
            repaired.group_split,
            table.split_totals(repaired.group_split, names),
            asked=FixAsked.from_dict(repaired.asked(request)),
            shares=list(repaired.fractions.values()),
            minimums=repaired.minimums,
            shortfalls=repaired.shortfalls,
            pairs=pairs,
            assigned=assigned,
            findings_before=before,
            findings_after=after.findings,
            sampled=sampled,
            repair=Repair(
                tuple(Move.from_dict(m) for m in moves),
                MovesSummary.from_dict(repaired.moves_summary),
            ),
        )
    rows = rows_with_split(keyed, own, assigned, table.n_groups, column)
    pairs_given = list(data.items()) if isinstance(data, dict) else data
    inputs = [path for _, path in pairs_given] if isinstance(pairs_given, list | tuple) else [data]
    return SparkFix(
        rows=rows,
        table=table,
        repaired=repaired,
        model=model,
        request=request,
        spec=spec,
        inputs=tuple(Path(p) for p in inputs if isinstance(p, str | Path) and not is_remote(p)),
        findings=after.findings,
        exit_status=exit_status(after.findings, request.fail_on),
    )


def _rows_by_split(keyed: DataFrame, group_names: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """(G, S) rows of each group in each split, counted in Spark: G x S cells at most
    reach the driver, keyed by the group's name."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from splitguard.spark.counts import GROUP
    from splitguard.spark.lint import SPLIT

    found = keyed.groupBy(GROUP, SPLIT).count().toArrow()
    group = pc.index_in(found.column(GROUP), value_set=pa.array(group_names.astype(str)))
    split = pc.index_in(found.column(SPLIT), value_set=pa.array(list(names), pa.string()))
    rows = np.zeros((group_names.size, len(names)), dtype=np.int64)
    np.add.at(
        rows,
        (group.to_numpy(zero_copy_only=False), split.to_numpy(zero_copy_only=False)),
        found.column("count").to_numpy(),
    )
    return rows


def _result_file(data: Any) -> str:
    """What the findings on the result name as their file: the input given, where it is
    one path (a folder of split=NAME folders, or one table with --split-col) or one
    DataFrame; none ("") for one input per split, as the result's splits mix the rows of
    several and the sample does not keep which."""
    from splitguard.spark.lint import source_name

    return "" if isinstance(data, dict | list | tuple) else source_name(data)
