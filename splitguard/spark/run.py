"""`splitguard split --engine spark`: count in Spark, assign on the driver, write in Spark.

The rows never reach the driver. Spark reads them, counts positives per (group, class)
(`splitguard.spark.counts`), the driver assigns the groups with the in-memory engine's
code (`splitguard.split.assign.assign`), and Spark joins each row to its group's split
and writes the rows partitioned by split (``DIR/split=train/part-*.parquet``). The report
(report.json, report.html, report.md) and manifest.json are made from the counts and the
assignment; the rules run on the result as `check --engine spark` runs them (those that
read counts on the counts of every row, the others on a sample of whole groups).

Driver memory: the group names (G of them, L characters long), the (G, C) counts' Z
nonzero cells, the kept label pairs' Q nonzero cells per group, and the assignment (G
split indices): at its peak about ``G * (L + 100) + (Z + Q) * 52`` bytes besides the
interpreter and the JVM; never a row.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from splitguard.app.runs import (
    Progress,
    Written,
    check_options,
    exit_status,
    label_options,
    split_options,
    unheard,
    warn_impossible,
    write_class_csvs,
    write_pages,
)
from splitguard.core.errors import OptionError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from splitguard.core.spec import LabelSpec
    from splitguard.lint.findings import Finding
    from splitguard.report.model import RunReport
    from splitguard.split.assign import SplitRequest
    from splitguard.split.engine import GroupTable
    from splitguard.split.stratify import Assignment


@dataclass(frozen=True, eq=False)
class SparkSplit:
    """A split made on Spark, before it is written.

    `rows` are the input rows plus the split `column` (a lazy Spark DataFrame);
    `group_split` the split index of each group of `table` (in `table.group_names`
    order); `model` the report; `inputs` the paths read (none for a DataFrame);
    `findings` the rules' on the result, which set the exit status.
    """

    rows: DataFrame
    table: GroupTable
    group_split: np.ndarray
    model: RunReport
    request: SplitRequest
    spec: LabelSpec
    column: str
    inputs: tuple[Path, ...]
    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]
    exit_status: int

    @property
    def seed(self) -> int:
        return self.request.seed

    @property
    def options(self) -> list[tuple[str, Any]]:
        """The run's options as the manifest records them, keyed by option name."""
        return [("engine", "spark"), *split_options(self.request), *spark_spec_options(self.spec)]


def spark_spec_options(spec: LabelSpec) -> list[tuple[str, Any]]:
    """The input options a Spark run reads, keyed as the command line names them (no
    encoding: Spark reads the files itself)."""
    return [*label_options(spec), ("split-col", spec.split_col), ("classes", spec.classes)]


class SparkOutput(Protocol):
    """What a Spark run writes: the rows with their split `column` (lazy), the report,
    the inputs read, and the options and seed the manifest records."""

    @property
    def rows(self) -> DataFrame: ...

    @property
    def column(self) -> str: ...

    @property
    def model(self) -> RunReport: ...

    @property
    def inputs(self) -> tuple[Path, ...]: ...

    @property
    def seed(self) -> int: ...

    @property
    def options(self) -> list[tuple[str, Any]]: ...


@dataclass(frozen=True)
class _Assigned:
    """What the split run reads while its counted tables are persisted: the rows (keyed
    by group), the counts, the assignment, and the rows with their split (lazy)."""

    keyed: DataFrame
    own: list[str]
    column: str
    pairs: DataFrame
    table: GroupTable
    kept: Any
    assignment: Assignment
    assigned: DataFrame
    rows: DataFrame


@contextmanager
def _assigned(
    request: SplitRequest,
    spec: LabelSpec,
    source: str | Path | DataFrame,
    spark: SparkSession | None,
    progress: Progress,
    warning: Callable[[str], None],
) -> Iterator[_Assigned]:
    """Read `source`, count it, assign its groups; the counted tables stay persisted
    until the block ends (what the report reads)."""
    from splitguard.spark.counts import keyed_rows, row_labels
    from splitguard.spark.read import data_columns, read_rows
    from splitguard.spark.report import assigned_splits
    from splitguard.split.assign import assign, impossible_minimums

    progress("reading the table")
    rows = read_rows(source, spark)
    column = "fold" if request.folds is not None else "split"
    own = kept_columns(data_columns(rows), spec.split_col, column)
    if spec.long:
        from splitguard.spark.long import long_items

        keyed, labelled = long_items(rows, spec)
        classes = None
    else:
        keyed = keyed_rows(rows, spec)
        labelled, classes = row_labels(keyed, spec)
    with counted_table(labelled, classes, spec) as (table, pairs):
        request.check_fits(table.n_groups)
        warn_impossible(impossible_minimums(table, request), warning)
        kept = _kept(keyed, spec, request, table)
        progress("splitting")
        assignment = assign(table, request, fixed=None if kept is None else kept.fixed)
        names = request.split_names
        assigned = assigned_splits(rows.sparkSession, table, assignment.group_split, names, column)
        split_rows = rows_with_split(keyed, own, assigned, table.n_groups, column)
        yield _Assigned(keyed, own, column, pairs, table, kept, assignment, assigned, split_rows)


@contextmanager
def counted_table(
    labelled: DataFrame, classes: tuple[str, ...] | None, spec: LabelSpec
) -> Iterator[tuple[GroupTable, DataFrame]]:
    """The group table of `labelled` (each row's `GROUP` and `LABELS`; `classes` the
    shape's, None to find them), and the label pairs per group, both persisted until
    the block ends, for the split and fix runs.

    Read by every count: made once and kept (in memory, spilled to the executors' disks
    where it does not fit), only the columns the counts read. The label pairs per group
    are read three times (which pairs to keep, their cells, their totals per split):
    kept too.
    """
    from pyspark import StorageLevel

    from splitguard.spark.counts import GROUP, LABELS, group_table, pair_rows

    labelled = labelled.select(GROUP, LABELS).persist(StorageLevel.MEMORY_AND_DISK)
    pairs = pair_rows(labelled).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        if spec.classes:
            classes = declared_classes(labelled, classes, spec.classes)
        yield group_table(labelled, classes, pairs), pairs
    finally:
        pairs.unpersist()
        labelled.unpersist()


def rows_with_split(
    keyed: DataFrame, own: list[str], assigned: DataFrame, n_groups: int, column: str
) -> DataFrame:
    """The rows' columns `own` and their group's split in `column` (`assigned`: group
    -> split), lazy. An old split column of that name is not in `own`: the new one
    takes its place."""
    from splitguard.spark.counts import GROUP, by_group
    from splitguard.spark.read import named_col

    return (
        keyed.select(GROUP, *[named_col(c) for c in own])
        .join(by_group(assigned.drop("split_index"), n_groups), GROUP)
        .select(*[named_col(c) for c in own], column)
    )


def assigned_rows(request: SplitRequest, spec: LabelSpec, sdf: DataFrame) -> DataFrame:
    """`sdf`'s rows with their split, and nothing else: no rules, no report (what
    `splitguard.spark.split` returns)."""
    with _assigned(request, spec, sdf, None, unheard, unheard) as made:
        return made.rows


def run_spark_split(
    request: SplitRequest,
    spec: LabelSpec,
    source: str | Path | DataFrame,
    *,
    spark: SparkSession | None = None,
    progress: Progress = unheard,
    warn: Callable[[str], None] = unheard,
) -> SparkSplit:
    """Split `source` (a path Spark reads, or a Spark DataFrame) as `request` asks, and
    check and report the result."""
    from splitguard.app.split import keep_paths
    from splitguard.core.shortfalls import unmet_in
    from splitguard.lint.config import LintConfig
    from splitguard.lint.engine import lint
    from splitguard.report.model import SplitAsked
    from splitguard.spark.lint import result_findings, sampled_table, source_name
    from splitguard.spark.read import is_remote
    from splitguard.spark.report import counts_report

    warnings: list[str] = []

    def warning(message: str) -> None:
        warnings.append(message)
        warn(message)

    with _assigned(request, spec, source, spark, progress, warning) as made:
        table, group_split = made.table, made.assignment.group_split
        progress("checking the result")
        names = request.split_names
        totals = table.split_totals(group_split, names)
        shortfalls = unmet_in(totals, request.minimums, request.shares)
        given = check_options(request)
        after, sampled = result_findings(
            made.keyed,
            table,
            group_split,
            names,
            spec,
            {**given, "fractions": dict(zip(names, request.shares, strict=True))},
            own=made.own,
            file=source_name(source),
            seed=request.seed,
        )
        before: tuple[Finding, ...] = ()
        if spec.split_col:
            # The input's own splits, counted by Spark as `check --engine spark` counts them.
            given_splits = sampled_table(source, spec, spark=spark, seed=request.seed)
            before = lint(given_splits, LintConfig.of(given)).findings
        kept = made.kept
        model = counts_report(
            table,
            group_split,
            totals,
            asked=SplitAsked.from_dict({**request.as_dict(), "keep": request.keep}),
            shares=request.shares,
            minimums=request.minimums,
            shortfalls=shortfalls,
            pairs=made.pairs,
            assigned=made.assigned,
            findings_before=before,
            findings_after=after.findings,
            sampled=sampled,
            kept=None if kept is None else kept.summary(group_split, names),
        )
    return SparkSplit(
        rows=made.rows,
        table=table,
        group_split=group_split,
        model=model,
        request=request,
        spec=spec,
        column=made.column,
        # The earlier split of --keep is read too: `out` may not be it.
        inputs=(
            *((Path(source),) if isinstance(source, str | Path) and not is_remote(source) else ()),
            *keep_paths(request.keep),
        ),
        findings=after.findings,
        warnings=tuple(warnings),
        exit_status=exit_status(after.findings, request.fail_on),
    )


def kept_columns(columns: list[str], old: str | None, column: str) -> list[str]:
    """The input's columns the output keeps, as the in-memory engine keeps them: a
    column named as the new split `column` is refused unless it is `old`, the column
    naming the input's split (--split-col; for `fix` also split=NAME folders' or split
    files' own), whose place the new split then takes; another --split-col stays."""
    if column in columns and old != column:
        raise OptionError(
            f"the input already has a column {column!r}, which splitguard writes the new "
            "split into. Rename that column, or pass it as --split-col."
        )
    return [c for c in columns if c != column]


def declared_classes(
    labelled: DataFrame, fixed: tuple[str, ...] | None, declared: tuple[str, ...]
) -> tuple[str, ...]:
    """The classes in the loader's order with --classes: the declared ones first, in
    their order; a label found that is not declared is an error, as in memory. `fixed`
    are the shape's classes (wide columns), else the names found (one small distinct)."""
    from pyspark.sql import functions as F

    from splitguard.core.load import declared_order
    from splitguard.spark.counts import LABELS

    if fixed is None:
        found = labelled.select(F.explode(LABELS)).distinct().collect()
        fixed = tuple(sorted(row[0] for row in found))
    return declared_order(fixed, declared, strict=True)


def _kept(keyed: DataFrame, spec: LabelSpec, request: SplitRequest, table: GroupTable) -> Any:
    """With --keep, the groups the earlier split placed (`splitguard.spark.keep`)."""
    if not request.keep:
        return None
    from splitguard.spark.keep import kept_on_spark

    return kept_on_spark(keyed, spec, request.keep, request.split_names, table.group_names)


def write_spark_split(
    result: SparkOutput, out: Path, *, force: bool, progress: Progress = unheard
) -> Written:
    """The rows partitioned by split (``out/split=NAME/part-*.parquet``, written by Spark),
    report.json, manifest.json, report.html and report.md, landed at once as
    `splitguard.app.runs.write_outcome` lands them; `out` may not be an input."""
    from splitguard.core.io.outdir import check_out_dir, staged_dir
    from splitguard.core.io.write import write_json

    check_out_dir(out, force=force, inputs=result.inputs)
    with staged_dir(out, force=force) as staging:
        progress("writing splits")
        rows_dir = staging / "_rows"
        result.rows.write.partitionBy(result.column).parquet(str(rows_dir))
        for folder in sorted(rows_dir.iterdir()):
            if folder.is_dir():
                folder.rename(staging / folder.name)
        shutil.rmtree(rows_dir)
        for checksum in staging.rglob(".*.crc"):
            checksum.unlink()
        outputs = sorted(staging.rglob("*.parquet"))
        write_json(staging / "report.json", result.model.to_dict())
        outputs.append(staging / "report.json")
        outputs.extend(write_class_csvs(staging, result.model))
        run_manifest = manifest(result, outputs, staging, out=out, force=force)
        write_json(staging / "manifest.json", run_manifest)
        progress("writing the report")
        reports = write_pages(staging, result.model, run_manifest)
    files = (*outputs, staging / "manifest.json", *reports.paths)
    return Written(
        out,
        tuple(str(path.relative_to(staging)) for path in files),
        run_manifest,
        tuple((path.name, reason) for path, reason in reports.failed),
    )


def manifest(
    result: SparkOutput, outputs: list[Path], staging: Path, *, out: Path, force: bool
) -> dict[str, Any]:
    """What the run read, wrote (each file's sha256) and was asked, as `split` records it."""
    from splitguard import __version__
    from splitguard.app.runs import _recorded, _shown_option
    from splitguard.core.io.outdir import sha256_of
    from splitguard.core.paths import shown_path

    return {
        "splitguard_version": __version__,
        "inputs": [
            {"path": shown_path(str(path)), "sha256": _input_sha256(path)} for path in result.inputs
        ],
        "outputs": [
            {"path": str(path.relative_to(staging)), "sha256": sha256_of(path)} for path in outputs
        ],
        "options": {
            name: _shown_option(name, value)
            for name, value in [("out", str(out)), ("force", force), *result.options]
            if _recorded(name, value)
        },
        "seed": result.seed,
    }


def _input_sha256(path: Path) -> str | dict[str, str]:
    """A file's sha256; a dataset directory's, per data file (named relative to it)."""
    from splitguard.core.io.outdir import sha256_of

    if not path.is_dir():
        return sha256_of(path)
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "_")))
    return {str(p.relative_to(path)): sha256_of(p) for p in files}
