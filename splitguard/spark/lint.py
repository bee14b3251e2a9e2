"""`check --engine spark`: the rules that read counts on Spark's counts, the others on a sample.

Spark counts the whole table with group-bys (rows per split; positive rows and groups
per split and class; per class the positive groups and the sum of squared positive rows
per group; the groups found in more than one split, with their rows and first row in
each), and the driver receives those counts only. The rules that read rows (the schema
checks) run on a seeded sample of whole groups, at most `SAMPLE_ROWS` rows, read
through the in-memory loader; the output names them and the sample's size.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard.core.errors import LabelValueError, OptionError
from splitguard.core.wording import counted
from splitguard.spark.counts import CLASS, GROUP, LABELS, ROW, keyed_rows, row_labels
from splitguard.spark.read import INDEX, SOURCE, data_columns, named_col, read_rows

if TYPE_CHECKING:
    import numpy as np
    from pyspark.sql import DataFrame, SparkSession

    from splitguard.app.check import CheckOutcome
    from splitguard.app.keywords import ConfigArgument
    from splitguard.core.counts import TableCounts
    from splitguard.core.shortfalls import SplitTotals
    from splitguard.core.spec import LabelSpec
    from splitguard.lint.engine import LintResult
    from splitguard.lint.sampled import SampledTable
    from splitguard.report.model import SampledRules
    from splitguard.split.engine import GroupTable

SPLIT = "__splitguard_split"
# Rows of the sample the rules that read rows see: enough for every schema check to
# find a broken column, small enough for the driver (about what NIH holds).
SAMPLE_ROWS = 100_000
NO_SPLITS = "all"
# Bad label cells per column whose rows the sample always holds: SG105 shows the values
# of the first 200 (`splitguard.rules.schema_values`).
FAULTS_SHOWN = 200


@dataclass(frozen=True, slots=True)
class SplitRows:
    """The rows of every input in one DataFrame, each with its split (`SPLIT`), and the
    split names in the order the in-memory loader gives them; `files` names each split's
    file for the findings."""

    rows: DataFrame
    split_names: tuple[str, ...]
    files: dict[str, str]

    @property
    def has_splits(self) -> bool:
        return self.split_names != (NO_SPLITS,)


def split_rows(data: Any, spec: LabelSpec, spark: SparkSession | None = None) -> SplitRows:
    """`data` (a path or DataFrame, or (split, path or DataFrame) pairs / a dict, as
    `check` takes them) read into Spark with each row's split.

    One input is split by `--split-col`, or, for a dataset partitioned as `split` writes
    it (`DIR/split=train/...`), by its `split` column; otherwise it has no splits.
    """
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    if isinstance(data, dict):
        data = list(data.items())
    if isinstance(data, list | tuple) and data and all(isinstance(p, tuple) for p in data):
        parts = [read_rows(source, spark).withColumn(SPLIT, F.lit(name)) for name, source in data]
        rows = parts[0]
        for part in parts[1:]:
            rows = rows.unionByName(part, allowMissingColumns=True)
        names = tuple(dict.fromkeys(name for name, _ in data))
        return SplitRows(rows, names, {name: source_name(source, name) for name, source in data})
    if not isinstance(data, str | Path | DataFrame):
        raise OptionError(
            f"--engine spark reads a path, a Spark DataFrame, or (split, path) pairs, not "
            f"{type(data).__name__}."
        )
    rows = read_rows(data, spark)
    column = spec.split_col or _partition_column(data)
    if column is None:
        return SplitRows(
            rows.withColumn(SPLIT, F.lit(NO_SPLITS)), (NO_SPLITS,), {NO_SPLITS: source_name(data)}
        )
    if column not in rows.columns:
        raise OptionError(f"--split-col {column!r} is not a column of {source_name(data)}.")
    value = F.trim(named_col(column).cast("string"))
    found = {r[0]: r[1] for r in rows.groupBy(value.alias("s")).count().collect()}
    empty = found.pop(None, 0) + found.pop("", 0)
    if empty:
        raise LabelValueError(
            f"{source_name(data)}: column {column!r} is empty ({counted(empty, 'row')} in all). "
            "Give every row a split, or drop the unsplit rows."
        )
    from splitguard.core.load import sorted_splits

    names = tuple(sorted_splits(list(found)))
    files = {name: _split_file(data, column, name) for name in names}
    return SplitRows(rows.withColumn(SPLIT, value), names, files)


def _partition_column(data: Any) -> str | None:
    """`split` for a folder partitioned as `splitguard split` writes it, else None."""
    folder = Path(data) if isinstance(data, str | Path) else None
    if folder is not None and folder.is_dir():
        return "split" if any(p.name.startswith("split=") for p in folder.iterdir()) else None
    return None


def _split_file(data: Any, column: str, name: str) -> str:
    folder = Path(str(data)) / f"{column}={name}" if isinstance(data, str | Path) else None
    return str(folder) if folder is not None and folder.is_dir() else source_name(data)


def source_name(source: Any, split: str | None = None) -> str:
    """A path, or what messages call a DataFrame ("Spark DataFrame 'train'")."""
    if isinstance(source, str | Path):
        return str(source)
    return "Spark DataFrame" if split is None else f"Spark DataFrame {split!r}"


def table_counts(
    keyed: DataFrame,
    labelled: DataFrame,
    fixed: tuple[str, ...] | None,
    spec: LabelSpec,
    split_names: tuple[str, ...],
) -> TableCounts:
    """The counts the counts rules read, with group-bys; only those reach the driver.

    Two small tables do the work, each kept while it is read: rows per (group, split)
    with the group's first row there, and positive rows per (split, class, group).
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from splitguard.core.counts import TableCounts

    first = named_col(spec.id).cast("string") if spec.id else F.lit(None).cast("string")
    by_group = (
        keyed.groupBy(GROUP, SPLIT)
        .agg(
            F.count("*").alias("n"),
            F.min(F.struct(SOURCE, INDEX, first.alias("id"))).alias("first"),
        )
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    cells = (
        labelled.select(ROW, F.explode(LABELS).alias(CLASS))
        .join(keyed.select(ROW, GROUP, SPLIT), ROW)
        .groupBy(SPLIT, CLASS, GROUP)
        .count()
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        rows = by_group.groupBy(SPLIT).agg(F.sum("n"), F.count("*")).collect()
        spread = by_group.groupBy(GROUP).count().where("count > 1").select(GROUP)
        leaked = by_group.join(spread, GROUP).select(GROUP, SPLIT, "n", "first.id").collect()
        n_groups = by_group.select(GROUP).distinct().count() if leaked else sum(r[2] for r in rows)
        split_classes = cells.groupBy(SPLIT, CLASS).agg(F.sum("count"), F.count("*")).collect()
        per_group = cells.groupBy(CLASS, GROUP).agg(F.sum("count").alias("n"))
        class_groups = per_group.groupBy(CLASS).agg(F.count("*"), F.sum(F.col("n") * F.col("n")))
        found = class_groups.collect()
    finally:
        by_group.unpersist()
        cells.unpersist()
    classes = _classes(fixed, sorted(r[0] for r in found), spec)
    return TableCounts.of_records(
        split_names,
        classes,
        rows=[(r[0], r[1]) for r in rows],
        split_classes=[(r[0], r[1], r[2], r[3]) for r in split_classes],
        class_groups=[(r[0], r[1], r[2]) for r in found],
        leaked=[(r[0], r[1], r[2], r[3]) for r in leaked],
        n_groups=n_groups,
    )


def sampled_groups(keyed: DataFrame, n_rows: int, limit: int, seed: int) -> DataFrame:
    """The groups of a seeded sample of at most `limit` rows: groups in the order of a
    hash of their name and the seed, taken while their rows fit."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    scale = 1 << 30
    rank = F.pmod(F.xxhash64(F.col(GROUP), F.lit(seed)), F.lit(scale))
    sizes = keyed.groupBy(GROUP).count().withColumn("rank", rank)
    if n_rows > limit:
        # A hash range holding about twice the rows asked: the running sum below is
        # then computed on a small table, not over every group.
        sizes = sizes.where(F.col("rank") < int(scale * min(1.0, 2.0 * limit / n_rows)))
    running = F.sum("count").over(
        Window.orderBy("rank", GROUP).rowsBetween(Window.unboundedPreceding, 0)
    )
    return sizes.withColumn("running", running).where(F.col("running") <= limit).select(GROUP)


def sampled_table(
    data: Any,
    spec: LabelSpec,
    *,
    spark: SparkSession | None = None,
    sample_rows: int = SAMPLE_ROWS,
    seed: int = 0,
) -> SampledTable:
    """`data`'s counts from Spark, and a sample of its rows read as a `LabelFrame`."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from splitguard.lint.sampled import Sample, SampledTable, sample_frame

    source = split_rows(data, spec, spark)
    if spec.long:
        from splitguard.spark.long import long_items

        # Counted per item (an id's rows in one split), sampled by the rows of its groups.
        keyed, items = long_items(source.rows, spec, split=SPLIT, strict=False)
        keyed = keyed.persist(StorageLevel.MEMORY_AND_DISK)
        # Kept: its `ROW` ids, read twice below, are made again (other ids) if not.
        items = items.persist(StorageLevel.MEMORY_AND_DISK)
    else:
        keyed = keyed_rows(source.rows, spec).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        # A label cell the shape does not allow reads as no label, as the in-memory
        # check reads it; SG105 reports it, counted here over every row.
        faults, faulty_groups = _label_faults(keyed, spec)
        if spec.long:
            counted = table_counts(items, items, None, spec, source.split_names)
        else:
            labelled, fixed = row_labels(keyed, spec, strict=False)
            counted = table_counts(keyed, labelled, fixed, spec, source.split_names)
        counts = replace(counted, label_faults=faults)
        chosen = sampled_groups(keyed, counts.n_rows, sample_rows, seed)
        if faulty_groups:
            named = keyed.sparkSession.createDataFrame([(g,) for g in faulty_groups], [GROUP])
            chosen = chosen.union(named).distinct()
        picked = keyed.join(F.broadcast(chosen), GROUP, "left_semi").orderBy(SPLIT, SOURCE, INDEX)
        own = [c for c in data_columns(source.rows) if c != SPLIT]
        table = picked.select(SPLIT, *[named_col(c) for c in own]).toArrow()
    finally:
        keyed.unpersist()
        if spec.long:
            items.unpersist()
    import pyarrow.compute as pc

    parts = []
    for name in source.split_names:
        rows = table.filter(pc.equal(table.column(SPLIT), name)).drop_columns([SPLIT])
        parts.append((name if source.has_splits else None, source.files[name], rows))
    frame = sample_frame(parts, spec)
    sample = Sample(frame.n_rows, frame.n_groups, counts.n_rows, counts.n_groups, seed)
    return SampledTable(counts, frame, sample)


def _label_faults(keyed: DataFrame, spec: LabelSpec) -> tuple[dict[str, int], list[str]]:
    """Per label column, the rows whose cell the shape and policies do not allow, over
    the whole table; and the groups of the first `FAULTS_SHOWN` of them in each column
    (in input order), which the sample takes whole so SG105 shows them as the in-memory
    check does."""
    from pyspark.sql import functions as F

    from splitguard.spark.counts import label_faults

    bad = label_faults(keyed, spec)
    if not bad:
        return {}, []
    found = keyed.agg(*[F.sum(cell.cast("long")) for cell in bad.values()]).first() or ()
    counts = {column: int(n) for column, n in zip(bad, found, strict=True) if n}
    groups: set[str] = set()
    for column in counts:
        first = keyed.where(bad[column]).orderBy(SPLIT, SOURCE, INDEX).limit(FAULTS_SHOWN)
        groups.update(row[0] for row in first.select(GROUP).collect())
    return counts, sorted(groups)


def _classes(fixed: tuple[str, ...] | None, found: list[str], spec: LabelSpec) -> tuple[str, ...]:
    """The classes as the loader orders them: the shape's (wide columns) or those found,
    sorted; declared ones first, in their order."""
    from splitguard.core.load import declared_order

    classes = fixed if fixed is not None else tuple(found)
    if spec.classes is None:
        return classes
    return declared_order(classes, spec.classes, strict=False)


def spark_reader(
    data: Any, values: Mapping[str, Any], spec: LabelSpec
) -> Callable[[], SampledTable]:
    """What reads `data` for `check --engine spark` (pyspark and the outputs checked now,
    before any work): Spark's counts of the table and a sample of its rows."""
    from splitguard.spark.session import require_pyspark

    asked = [flag for flag in ("html", "markdown") if values.get(flag)]
    if asked:
        raise OptionError(
            f"--{asked[0]} is not written with --engine spark: the check report shows every "
            "row's statistics, which stay in Spark. Use --format json (the findings and the "
            "counts they come from), or --engine memory for a table that fits in memory."
        )
    require_pyspark()
    return lambda: sampled_table(data, spec)


def check(data: Any, *, config: ConfigArgument = None, **keywords: Any) -> CheckOutcome:
    """`splitguard.check` with Spark: `data` is a Spark DataFrame, a path Spark reads (a
    Parquet dataset; `DIR/split=NAME/` as `split --engine spark` writes it is split by its
    `split` column), or (split, path or DataFrame) pairs; the keywords and the
    `CheckOutcome` returned are `splitguard.check`'s. The rules that read counts run on
    Spark's counts of the whole table, the schema rules on a sample of whole groups
    (`outcome.result.summary()["sample"]` says which and how large).

    >>> outcome = splitguard.spark.check(sdf, labels="labels", sep="|", group="patient",
    ...     split_col="split")                                          # doctest: +SKIP
    """
    from splitguard.app.check import check_keywords

    return check_keywords(data, keywords, config, spark_reader)


def result_counts(table: GroupTable, totals: SplitTotals) -> TableCounts:
    """The counts the counts rules read of a split made from `table` (`totals`: its
    `split_totals`), on the driver from the group counts and the assignment alone: each
    group is whole in one split, so none leaks, and a group's positives per class are
    its counts."""
    import numpy as np

    from splitguard.core.counts import LeakedGroups, TableCounts

    counts = table.counts
    values = counts.values.astype(np.int64)
    squares = np.bincount(counts.classes, weights=values * values, minlength=table.n_classes)
    n_splits = len(totals.split_names)
    return TableCounts(
        split_names=totals.split_names,
        classes=table.classes,
        rows_by_split=totals.rows_by_split,
        positives_by_split=totals.positives_by_split,
        positive_groups_by_split=totals.positive_groups_by_split,
        positive_groups=totals.positive_groups,
        group_square_sums=squares.astype(np.int64),
        n_groups=table.n_groups,
        leaked_groups=LeakedGroups(
            np.empty(0, dtype=object),
            np.zeros((0, n_splits), dtype=np.int64),
            np.empty((0, n_splits), dtype=object),
        ),
    )


def result_findings(
    keyed: DataFrame,
    table: GroupTable,
    group_split: np.ndarray,
    names: tuple[str, ...],
    spec: LabelSpec,
    options: Mapping[str, Any],
    *,
    own: list[str],
    file: str,
    seed: int,
    sample_rows: int = SAMPLE_ROWS,
) -> tuple[LintResult, SampledRules | None]:
    """The rules on a Spark run's result (`group_split`: the split index of each group of
    `table`), as `check --engine spark` runs them on a table: the rules that read counts
    on the result's counts (`result_counts`: no Spark pass), the others on a seeded sample
    of whole groups, at most `sample_rows` rows of `keyed` (the input's rows with their
    `GROUP`; `own`: the columns the output keeps) read with their new split, the rows
    of each split in input order. Also which rules saw the sample, for the report (None:
    the sample held every row, or no rule read rows)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyspark.sql import functions as F

    from splitguard.lint.config import LintConfig
    from splitguard.lint.engine import lint
    from splitguard.lint.sampled import Sample, SampledTable, sample_frame
    from splitguard.report.model import SampledRules

    counts = result_counts(table, table.split_totals(group_split, names))
    # Groups in a seeded random order, taken while their rows fit (at least one).
    order = np.random.default_rng(seed).permutation(table.n_groups)
    fits = np.cumsum(table.group_sizes[order]) <= sample_rows
    fits[:1] = True
    taken = np.sort(order[fits])
    chosen = pa.table(
        {
            GROUP: pa.array(table.group_names[taken].astype(str), pa.string()),
            SPLIT: pa.array(np.array(names, dtype=object)[group_split[taken]].astype(str)),
        }
    )
    spark = keyed.sparkSession
    picked = keyed.drop(SPLIT).join(F.broadcast(spark.createDataFrame(chosen)), GROUP)
    ordered = picked.orderBy(SPLIT, SOURCE, INDEX)
    rows = ordered.select(SPLIT, *[named_col(c) for c in own]).toArrow()
    parts = [
        (name, file, rows.filter(pc.equal(rows.column(SPLIT), name)).drop_columns([SPLIT]))
        for name in names
    ]
    frame = sample_frame(parts, spec)
    sample = Sample(frame.n_rows, frame.n_groups, counts.n_rows, counts.n_groups, seed)
    result = lint(SampledTable(counts, frame, sample), LintConfig.of(options))
    codes = tuple(rule.code for rule in result.sampled_rules)
    return result, SampledRules(codes, sample) if codes else None
