"""Rows to counts with Spark SQL: each row's group and classes, then the `GroupTable`.

Every label shape becomes one array column of class names per row (`row_labels`): a
delimited string (``--labels COL --sep``), a list<string> column (``--labels COL``), or
wide 0/1 columns (``--label-cols``), read by the in-memory loader's rules (names trimmed,
``--none`` values dropped, a class once per row). `label_cells` explodes them into
(group, class) rows; `group_table` counts them per group and class with group-bys and
brings only those counts to the driver, never a row. No lambda (`F.transform`,
`F.filter`) runs per row but `--labels` cells' trimming: Spark compiles the other
expressions and interprets lambdas, which cost tens of microseconds a row.

Groups are named as the in-memory loader names them (`splitguard.core.groups`), so the
sorted names number the groups alike in both engines: a key's text as Python writes the
value, the missing-key spellings and NaN as no key, rows sharing any key of several
``--group`` columns one group (its name: its smallest key of the first column that has
one), a row without a key a group of its own ("<missing> row N", N its row in the input).
"""

from __future__ import annotations

import operator
from dataclasses import replace
from functools import reduce
from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.core.errors import ColumnError, LabelValueError
from splitguard.core.wording import counted
from splitguard.spark.read import INDEX, SOURCE, named_col

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

    from splitguard.core.spec import LabelSpec
    from splitguard.split.counts import GroupCounts
    from splitguard.split.engine import GroupTable
    from splitguard.split.pairs import PairCounts

ROW = "__splitguard_row"
GROUP = "__splitguard_group"
LABELS = "__splitguard_labels"
CLASS = "__splitguard_class"
# Joins with a table of one row per group broadcast it up to this many groups: a hash
# table of a few hundred MB on each executor.
BROADCAST_GROUPS = 4_000_000
# A collect of counts brings at most about this many bytes to the driver at once.
COLLECT_BYTES = 256 << 20


def keyed_rows(rows: DataFrame, spec: LabelSpec) -> DataFrame:
    """`rows` (from `splitguard.spark.read.read_rows`) with a unique key (`ROW`) and the
    name of their group (`GROUP`)."""
    from pyspark.sql import functions as F

    _require_columns(rows, [c for c in (spec.id, *spec.group) if c])
    rows = rows.withColumn(ROW, F.monotonically_increasing_id())
    keys = list(spec.group) or ([spec.id] if spec.id else [])
    if not keys:
        # Without group or id columns every row is a group, named by its 0-based row.
        return rows.withColumn(GROUP, _position(rows).cast("string"))
    if len(keys) == 1:
        missing = F.concat(F.lit("<missing> row "), (_position(rows) + 1).cast("string"))
        return rows.withColumn(GROUP, F.coalesce(key_text(rows, keys[0]), missing))
    return _linked(rows, keys)


def key_text(rows: DataFrame, column: str) -> Column:
    """A key cell's text as the loader reads it (Python's str of the value); null for
    a missing key (an empty cell, a missing-value spelling such as NA, NaN)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from splitguard.core.groups import MISSING_KEYS

    value = named_col(column)
    kind = rows.schema[column].dataType
    if isinstance(kind, T.StringType):
        return F.when(~F.trim(value).isin(*sorted(MISSING_KEYS)), value)
    if isinstance(kind, T.FloatType | T.DoubleType):
        return F.when(~F.isnan(value), value.cast("string"))
    if isinstance(kind, T.BooleanType):
        return F.when(value, F.lit("True")).when(~value, F.lit("False"))
    return value.cast("string")


def _position(rows: DataFrame) -> Column:
    """Each row's 0-based position in the input (sources in name order): the row of its
    source plus the rows of the sources before it, counted in one small group-by."""
    from pyspark.sql import functions as F

    per_source = rows.groupBy(SOURCE).count().collect()
    offsets: list[Any] = []
    start = 0
    for source, count in sorted((r[0], r[1]) for r in per_source):
        offsets += [F.lit(source), F.lit(start)]
        start += count
    if not offsets:
        return F.col(INDEX)
    return F.col(INDEX) + F.create_map(*offsets)[F.col(SOURCE)]


def _linked(rows: DataFrame, keys: list[str]) -> DataFrame:
    """Groups over several key columns: the distinct key combinations (about one per
    group) go to the driver, which links them as the loader does; the rows join back."""
    import pyarrow as pa
    from pyspark.sql import functions as F

    from splitguard.core.groups import group_rows

    texts = [key_text(rows, k).alias(f"__splitguard_key{i}") for i, k in enumerate(keys)]
    named = [f"__splitguard_key{i}" for i in range(len(keys))]
    with_keys = rows.select("*", *texts)
    any_key = F.greatest(*[F.col(n).isNotNull() for n in named])
    combos = with_keys.where(any_key).select(*named).distinct().toArrow()
    columns = [combos.column(n) for n in named]
    numbers, names = group_rows(columns, row_ids=np.arange(combos.num_rows))
    table = combos.append_column(GROUP, pa.array(names[numbers].astype(str), pa.string()))
    spark = rows.sparkSession
    mapping = spark.createDataFrame(table)
    condition = [with_keys[n].eqNullSafe(mapping[n]) for n in named]
    joined = with_keys.join(F.broadcast(mapping), condition, "left").drop(
        *[mapping[n] for n in named]
    )
    missing = F.concat(F.lit("<missing> row "), (_position(rows) + 1).cast("string"))
    return joined.withColumn(GROUP, F.coalesce(F.col(GROUP), missing)).drop(*named)


def row_labels(
    rows: DataFrame, spec: LabelSpec, *, strict: bool = True
) -> tuple[DataFrame, tuple[str, ...] | None]:
    """(`ROW`, `GROUP`, `LABELS`): each row's distinct class names, checked as the loader
    checks them in strict mode (not `strict`: a cell the shape does not allow reads as
    no label, as `check` reads it: `label_faults` finds those cells); and the classes
    where the shape fixes them (wide: its columns, sorted), else None (the classes are
    the names found)."""
    from pyspark.sql import types as T

    assert not spec.long, "long labels are gathered into items first (spark.long.long_items)"
    if not strict:
        spec = replace(spec, blank="negative", uncertain=_lenient(spec.uncertain))
    if spec.label_cols:
        return _wide(rows, spec, strict=strict)
    assert spec.labels is not None
    _require_columns(rows, [spec.labels])
    none = sorted({n.strip() for n in spec.none})
    if isinstance(rows.schema[spec.labels].dataType, T.ArrayType):
        return _lists(rows, spec.labels, none, spec), None
    return _delimited(rows, spec.labels, spec.sep, none, spec, strict=strict), None


def _lenient(uncertain: str) -> str:
    # Not strict, an uncertain label where none is allowed reads as negative.
    return "negative" if uncertain == "error" else uncertain


def label_faults(rows: DataFrame, spec: LabelSpec) -> dict[str, Column]:
    """Per label column, whether a row's cell is one the shape and policies do not allow
    (what SG105 reports): a wide cell that is no label value, -1 under ``--uncertain
    error``, or, under ``--blank error``, an empty label cell of any shape."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if spec.long:
        return {}
    if spec.label_cols:
        import pyarrow as pa

        from splitguard.core.shapes.wide import label_columns

        empty = pa.table({c: pa.array([], pa.null()) for c in rows.columns})
        faults = {}
        for column in label_columns(empty, spec):
            _, blank, uncertain, other = _wide_cell(rows, column, spec.uncertain)
            bad = other | (uncertain & F.lit(spec.uncertain == "error"))
            faults[column] = bad | (blank & F.lit(spec.blank == "error"))
        return faults
    assert spec.labels is not None
    if spec.blank != "error":
        return {}
    value = named_col(spec.labels)
    if isinstance(rows.schema[spec.labels].dataType, T.ArrayType):
        return {spec.labels: value.isNull()}
    text = F.trim(value.cast("string"))
    return {spec.labels: text.isNull() | (text == "")}


def _clean(names: Column, none: list[str]) -> Column:
    """Names trimmed, empty and --none names dropped, each once (`core.labels.clean_names`)."""
    from pyspark.sql import functions as F

    trimmed = F.transform(names, lambda x: F.trim(x.cast("string")))
    return _without(trimmed, [None, "", *none])


def _without(names: Column, dropped: list[str | None]) -> Column:
    """`names` without the `dropped` values (null among them), each kept name once, in
    order. array_except runs as compiled code; a lambda (`F.filter`) is interpreted row by
    row, which cost about 35 us a row on 50 wide columns."""
    from pyspark.sql import functions as F

    return F.array_except(names, F.array(*[F.lit(d).cast("string") for d in dropped]))


def _lists(rows: DataFrame, column: str, none: list[str], spec: LabelSpec) -> DataFrame:
    from pyspark.sql import functions as F

    value = named_col(column)
    if spec.blank == "error":
        _refuse_blanks(rows, column, value.isNull())
    return rows.select(ROW, GROUP, _clean(F.coalesce(value, F.array()), none).alias(LABELS))


def _delimited(
    rows: DataFrame,
    column: str,
    sep: str | None,
    none: list[str],
    spec: LabelSpec,
    *,
    strict: bool = True,
) -> DataFrame:
    import re

    from pyspark.sql import functions as F

    text = F.trim(named_col(column).cast("string"))
    blank = text.isNull() | (text == "")
    literal = F.from_json(text, "array<string>")
    is_list = text.startswith("[")
    parsed = (
        F.when(blank, F.array())
        .when(is_list, literal)
        .otherwise(F.split(text, re.escape(sep), -1) if sep else F.array(text))
    )
    checks = [F.sum((is_list & literal.isNull()).cast("long"))]
    if spec.blank == "error":
        checks.append(F.sum(blank.cast("long")))
    bad, *blanks = (rows.agg(*checks).first() or (0,)) if strict else (0,)
    if bad:
        example = rows.where(is_list & literal.isNull()).select(text).first()
        raise LabelValueError(
            f"column {column!r} holds {example[0][:80] if example else '?'!r}, which looks "
            f"like a list but does not parse ({counted(bad, 'such row')}). Write each cell as "
            'a JSON or Python list of names, such as ["Mass", "Nodule"].'
        )
    if blanks and blanks[0]:
        raise _blank_error(column, blanks[0])
    return rows.select(ROW, GROUP, _clean(parsed, none).alias(LABELS))


def _wide(
    rows: DataFrame, spec: LabelSpec, *, strict: bool = True
) -> tuple[DataFrame, tuple[str, ...]]:
    """Wide 0/1 columns: a row's classes are the columns it says yes in."""
    import pyarrow as pa
    from pyspark.sql import functions as F

    from splitguard.core.shapes.wide import label_columns

    empty = pa.table({c: pa.array([], pa.null()) for c in rows.columns})
    columns = label_columns(empty, spec)
    _require_columns(rows, columns)
    verdicts = {c: _wide_cell(rows, c, spec.uncertain) for c in columns}
    refused: list[Column] = []
    for _, blank, uncertain, other in verdicts.values():
        refused.append(other)
        refused += [uncertain] if spec.uncertain == "error" else []
        refused += [blank] if spec.blank == "error" else []
    # One flag a row, read until the first refused cell: 150 sums over 50 columns were
    # most of the cost of a pass that finds nothing on a clean table. Not strict, nothing
    # is refused: `label_faults` finds the cells these checks refuse.
    if strict and rows.where(reduce(operator.or_, refused)).limit(1).count():
        _refuse_wide_cells(rows, spec, columns, verdicts)
    said = [F.when(verdicts[c][0], F.lit(c.strip())) for c in columns]
    labels = _without(F.array(*said), [None])
    classes = tuple(sorted(c.strip() for c in columns))
    return rows.select(ROW, GROUP, labels.alias(LABELS)), classes


def _refuse_wide_cells(
    rows: DataFrame, spec: LabelSpec, columns: list[str], verdicts: dict[str, tuple[Column, ...]]
) -> None:
    """Raise for the first column holding a refused cell, with its count and an example."""
    from pyspark.sql import functions as F

    checks = []
    for _, blank, uncertain, other in verdicts.values():
        checks += [F.sum(other.cast("long")), F.sum(uncertain.cast("long"))]
        checks.append(F.sum(blank.cast("long")) if spec.blank == "error" else F.lit(0))
    found = rows.agg(*checks).first() or ()
    for j, column in enumerate(columns):
        other, uncertain, blanks = found[3 * j : 3 * j + 3]
        if other:
            example = rows.where(verdicts[column][3]).select(named_col(column)).first()
            raise LabelValueError(
                f"column {column!r} holds {example[0] if example else '?'!r}, not a label "
                f"value ({counted(other, 'such row')}). Allowed: 1/0, true/false, 1.0/0.0, -1 "
                "(uncertain) or empty. Fix the cells, or leave the column out of --label-cols."
            )
        if uncertain and spec.uncertain == "error":
            raise LabelValueError(
                f"column {column!r} holds -1, an uncertain label ({counted(uncertain, 'row')}). "
                "Pass --uncertain negative or --uncertain positive to say how to read it."
            )
        if blanks:
            raise _blank_error(column, blanks)


def _wide_cell(rows: DataFrame, column: str, uncertain: str) -> tuple[Column, ...]:
    """(yes, blank, uncertain, not a label value) of a wide cell, as `core.shapes.wide`
    reads it: a number column by its value, a text column by its trimmed lower-case text."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from splitguard.core.shapes.wide import NEGATIVE, POSITIVE, UNCERTAIN

    value = named_col(column)
    kind = rows.schema[column].dataType
    if isinstance(kind, T.NumericType):
        number = value.cast("double")
        blank = value.isNull() | F.isnan(number)
        positive, negative, maybe = number == 1, number == 0, number == -1
    else:
        text = F.lower(F.trim(value.cast("string")))
        blank = value.isNull() | text.isin("", "nan")
        # A text column of numbers only ("1.00", "+1") reads as numbers, as CSV readers do.
        number = F.when(text.rlike(_NUMBER), text.cast("double"))
        positive = text.isin(*POSITIVE) | (number == 1)
        negative = text.isin(*NEGATIVE) | (number == 0)
        maybe = text.isin(*UNCERTAIN) | (number == -1)
    yes = F.coalesce(positive | (maybe & F.lit(uncertain == "positive")), F.lit(False))
    other = ~blank & ~F.coalesce(positive | negative | maybe, F.lit(False))
    return yes, blank, ~blank & F.coalesce(maybe, F.lit(False)), other


_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def label_cells(labelled: DataFrame) -> DataFrame:
    """(`GROUP`, `CLASS`): one row per positive (row, class) of `row_labels`."""
    from pyspark.sql import functions as F

    return labelled.select(GROUP, F.explode(LABELS).alias(CLASS))


def group_table(
    labelled: DataFrame,
    classes: tuple[str, ...] | None = None,
    pairs: DataFrame | None = None,
) -> GroupTable:
    """The counts of `row_labels`' rows: only per-group and per-class aggregates reach
    the driver (G group sizes, Z (group, class) cells, the kept label pairs' Q cells and
    a labels-per-row histogram), in Arrow, as numbers: Spark numbers the groups and
    classes before the cells are collected, 12 bytes a cell, and the driver sorts them
    into the sparse counts without a Python object per cell. `pairs` are
    `pair_rows(labelled)`, if made.

    `labelled` is read by several group-bys, `pairs` by two: persist them first where
    they are costly to make.
    """
    import pyarrow.compute as pc
    from pyspark.sql import functions as F

    from splitguard.split.engine import GroupTable

    sizes = labelled.groupBy(GROUP).count().toArrow()
    # Arrow sorts strings by their UTF-8 bytes, which is code point order: Python's.
    order = pc.sort_indices(sizes.column(0))
    sorted_names = pc.take(sizes.column(0), order).combine_chunks()
    group_sizes = np.asarray(pc.take(sizes.column(1), order).to_numpy(), dtype=np.int64)
    del sizes, order
    numbering = _numbering(labelled, sorted_names)
    names = np.asarray(sorted_names.to_pylist(), dtype=object)
    del sorted_names
    cells = label_cells(labelled).groupBy(GROUP, CLASS).count()
    if classes is None:
        cells = cells.persist()
        classes = tuple(sorted(r[0] for r in cells.select(CLASS).distinct().collect()))
    class_index = {name: i for i, name in enumerate(classes)}
    numbered = _numbered(
        cells.join(_class_numbers(labelled, classes), CLASS), numbering, names.size
    )
    counts = _group_counts(
        numbered.column("g").to_numpy(),
        numbered.column("c").to_numpy(),
        numbered.column("count").to_numpy(),
        (names.size, len(classes)),
    )
    del numbered
    cells.unpersist()
    _release_arrow_memory()
    per_row = labelled.select(F.size(LABELS).alias("k")).groupBy("k").count().collect()
    histogram = np.zeros(max([r[0] for r in per_row], default=0) + 1, dtype=np.int64)
    for k, n in per_row:
        histogram[k] = n
    return GroupTable(
        group_names=names,
        group_sizes=group_sizes,
        counts=counts,
        pairs=_pairs(
            pair_rows(labelled) if pairs is None else pairs, numbering, class_index, names.size
        ),
        classes=classes,
        labels_per_row=histogram,
    )


def _class_numbers(labelled: DataFrame, classes: tuple[str, ...]) -> DataFrame:
    """(`CLASS`, c): each class's column, a small table joined by broadcast."""
    import pyarrow as pa
    from pyspark.sql import functions as F

    table = pa.table(
        {
            CLASS: pa.array(classes, pa.string()),
            "c": pa.array(np.arange(len(classes), dtype=np.int32)),
        }
    )
    return F.broadcast(labelled.sparkSession.createDataFrame(table))


def _release_arrow_memory() -> None:
    """Give the collected Arrow tables' freed memory back: Arrow's allocator keeps it
    for reuse otherwise, and the assignment that follows allocates with numpy."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def pair_rows(labelled: DataFrame) -> DataFrame:
    """(`GROUP`, j, l, count): rows of each group positive for both classes j < l.

    Each row's pairs are made from its own sorted class array (no join): each class of a
    row with k >= 2 classes meets each later one, k (k - 1) / 2 pairs. Two explodes, not
    lambdas: Spark compiles generators, and runs lambdas interpreted, row by row.
    """
    from pyspark.sql import functions as F

    names = F.sort_array(F.col(LABELS))
    firsts = labelled.where(F.size(LABELS) >= 2).select(
        GROUP, names.alias("names"), F.posexplode(names).alias("i", "j")
    )
    pairs = firsts.select(GROUP, "i", "j", F.posexplode("names").alias("at", "l"))
    later = pairs.where(F.col("at") > F.col("i"))
    return later.groupBy(GROUP, "j", "l").count()


def pairs_by_split(
    pairs: DataFrame,
    assigned: DataFrame,
    assigned_groups: int,
    classes: tuple[str, ...],
    n_splits: int,
) -> np.ndarray:
    """Rows positive for both classes of every pair that occurs, per split, (S, P): the
    label-pair balance (LPD) of the report, from `pair_rows`' `pairs`. `assigned` maps
    each of `assigned_groups` groups (`GROUP`) to a split index (column ``split_index``);
    only (split, pair) totals reach the driver."""
    from pyspark.sql import functions as F

    per_group = pairs.join(by_group(assigned, assigned_groups), GROUP)
    totals = per_group.groupBy("split_index", "j", "l").agg(F.sum("count")).collect()
    index = {name: i for i, name in enumerate(classes)}
    found_pairs = sorted({(index[r[1]], index[r[2]]) for r in totals})
    column = {pair: p for p, pair in enumerate(found_pairs)}
    found = np.zeros((n_splits, len(found_pairs)), dtype=np.int64)
    for split, j, l_, count in totals:
        found[split, column[(index[j], index[l_])]] = count
    return found


def _numbering(labelled: DataFrame, names: Any) -> DataFrame:
    """(`GROUP`, g): each group's number (its place among the sorted `names`, an Arrow
    string array), in Spark."""
    import pyarrow as pa

    table = pa.table({GROUP: names, "g": pa.array(np.arange(len(names), dtype=np.int32))})
    return by_group(labelled.sparkSession.createDataFrame(table), len(names))


def _numbered(counts: DataFrame, numbering: DataFrame, n_groups: int) -> Any:
    """`counts` (keyed by `GROUP`, with a ``count``) with the group's number `g` in place
    of its name, as an Arrow table of 32-bit numbers on the driver.

    Collected in slices of groups of at most about `COLLECT_BYTES` each: Spark refuses a
    result larger than ``spark.driver.maxResultSize`` (1 GB by default: 90M cells), and
    the driver's JVM holds a collect's batches while it hands them to Python.
    """
    import itertools

    import pyarrow as pa
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    numbered = counts.join(numbering, GROUP).drop(GROUP)
    numbered = numbered.withColumn("count", F.col("count").cast("int"))
    numbered = numbered.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        size = numbered.count() * 4 * len(numbered.columns)
        slices = max(1, -(-size // _collect_budget(counts.sparkSession)))
        if slices == 1:
            return numbered.toArrow()
        bounds = np.linspace(0, n_groups, slices + 1).round().astype(np.int64).tolist()
        group = F.col("g")
        return pa.concat_tables(
            [
                numbered.where((group >= low) & (group < high)).toArrow()
                for low, high in itertools.pairwise(bounds)
            ]
        )
    finally:
        numbered.unpersist()


def _collect_budget(spark: Any) -> int:
    """Bytes a collect of counts may bring at once: `COLLECT_BYTES`, or a quarter of the
    session's ``spark.driver.maxResultSize`` where that is smaller (0: no limit)."""
    import re

    setting = str(spark.conf.get("spark.driver.maxResultSize", "1g")).strip().lower()
    found = re.fullmatch(r"(\d+)\s*([kmgtp]?)b?", setting)
    if found is None:
        return COLLECT_BYTES
    limit = int(found[1]) * 1024 ** " kmgtp".index(found[2] or " ")
    return COLLECT_BYTES if limit == 0 else max(1, min(COLLECT_BYTES, limit // 4))


def by_group(table: DataFrame, n_groups: int) -> DataFrame:
    """`table`, one row per group (`n_groups`, made on the driver), marked to be joined by broadcast
    where it is small enough: each executor then gets a copy and the rows it is joined to
    stay where they are, instead of both sides being shuffled by group (all of a table's
    columns, when the split is written). Past `BROADCAST_GROUPS` groups, a shuffle join."""
    from pyspark.sql import functions as F

    return F.broadcast(table) if n_groups <= BROADCAST_GROUPS else table


def _group_counts(
    groups: np.ndarray, classes: np.ndarray, values: np.ndarray, shape: tuple[int, int]
) -> GroupCounts:
    """The sparse counts of distinct nonzero (group, class) cells, as a group-by gives
    them: sorted by group then class, with no other pass (`split.counts.from_cells` also
    adds up repeated cells, at several times the memory)."""
    from splitguard.split.counts import GroupCounts

    n_groups, n_classes = shape
    indptr, order = _by_group(groups, classes, n_classes, n_groups)
    return GroupCounts(
        indptr,
        classes[order].astype(np.int64),
        values[order].astype(np.int32),
        n_classes,
    )


def _by_group(
    groups: np.ndarray, columns: np.ndarray, n_columns: int, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """CSR of distinct (group, column) cells in any order: the offsets of each group's
    cells, and the order that sorts the cells by group, then column."""
    order = np.argsort(groups.astype(np.int64) * max(n_columns, 1) + columns)
    indptr = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=n_groups), out=indptr[1:])
    return indptr, order


def _pairs(
    per_group: DataFrame, numbering: DataFrame, class_index: dict[str, int], n_groups: int
) -> PairCounts:
    """The label pairs worth balancing (`splitguard.split.pairs.label_pairs`'s choice),
    their rows per group: pairs are counted per group in Spark (`per_group`, from
    `pair_rows`), and numbered there; only the kept ones' (group, pair) cells reach the
    driver, 12 bytes each."""
    import pyarrow as pa
    from pyspark.sql import functions as F

    from splitguard.split.pairs import MAX_PAIRS, MIN_PAIR_GROUPS, PairCounts, no_pairs

    n_classes = len(class_index)
    if n_classes < 2:
        return no_pairs(n_groups)
    spread = per_group.groupBy("j", "l").count().where(F.col("count") >= MIN_PAIR_GROUPS).collect()
    if not spread:
        return no_pairs(n_groups)
    widespread = np.array([r[2] for r in spread])
    if widespread.size > MAX_PAIRS:
        # As label_pairs cuts: pairs tied with the last one kept stay only if all fit.
        cut = np.sort(widespread)[::-1]
        last = cut[MAX_PAIRS - 1]
        keep = widespread > last if cut[MAX_PAIRS] == last else widespread >= last
        spread = [r for r, k in zip(spread, keep, strict=True) if k]
    # Pairs are numbered in the order of their classes' columns (j, l), as label_pairs.
    kept = sorted(spread, key=lambda r: (class_index[r[0]], class_index[r[1]]))
    numbers = pa.table(
        {
            "j": pa.array([r[0] for r in kept], pa.string()),
            "l": pa.array([r[1] for r in kept], pa.string()),
            "p": pa.array(np.arange(len(kept), dtype=np.int32)),
        }
    )
    to_pair = F.broadcast(per_group.sparkSession.createDataFrame(numbers))
    entries = _numbered(per_group.join(to_pair, ["j", "l"]).drop("j", "l"), numbering, n_groups)
    group = entries.column("g").to_numpy()
    pair = entries.column("p").to_numpy()
    indptr, order = _by_group(group, pair, len(kept), n_groups)
    rows = entries.column("count").to_numpy()
    del group
    result = PairCounts(
        np.array([[class_index[r[0]], class_index[r[1]]] for r in kept], dtype=np.int64),
        indptr,
        pair[order].astype(np.int64),
        rows[order].astype(np.int64),
    )
    del entries, pair, rows, order
    _release_arrow_memory()
    return result


def _blank_error(column: str, count: int) -> LabelValueError:
    return LabelValueError(
        f"column {column!r} is empty in {counted(count, 'row')}. Pass --blank negative to read "
        "an empty cell as no positive label, or fill the cells."
    )


def _refuse_blanks(rows: DataFrame, column: str, blank: Column) -> None:
    from pyspark.sql import functions as F

    count = (rows.agg(F.sum(blank.cast("long"))).first() or (0,))[0]
    if count:
        raise _blank_error(column, count)


def _require_columns(rows: DataFrame, columns: list[str]) -> None:
    present = set(rows.columns)
    for column in columns:
        if column not in present:
            shown = ", ".join(repr(c) for c in rows.columns if not c.startswith("__splitguard_"))
            raise ColumnError(
                f"column {column!r} is not in the table; it has {shown[:400]}. "
                "Name one of those columns."
            )
