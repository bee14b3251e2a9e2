"""`split --engine spark --keep DIR`: groups an earlier split placed stay where they are.

The earlier split is read by Spark too: a folder `split` wrote (`<split>.parquet` files
with a `split` or `fold` column, or `split=NAME/` folders from `--engine spark`), or
split files as {split: path}. As in memory (`splitguard.split.keep`), a row is kept when
one of its group keys (without group columns, its id) appears in the earlier split,
the key's first row there naming its split, and a group stays in the split most of its
kept rows were in. Only the (group, split) votes reach the driver.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from splitguard.core.errors import InputError, OptionError

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

    from splitguard.core.spec import LabelSpec
    from splitguard.split.keep import Kept

EARLIER = "__splitguard_earlier"
ORDER = "__splitguard_order"


def kept_on_spark(
    keyed: DataFrame,
    spec: LabelSpec,
    keep: str | Mapping[str, str],
    split_names: tuple[str, ...],
    group_names: np.ndarray,
) -> Kept:
    """The split index each group of `keyed` (`splitguard.spark.counts.keyed_rows`) must
    keep, -1 for a new group, numbered as `group_names`; and the conflicts met."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyspark.sql import functions as F

    from splitguard.spark.counts import GROUP, key_text
    from splitguard.split.keep import by_votes

    key_columns = spec.group or ((spec.id,) if spec.id else ())
    if not key_columns:
        raise OptionError("--keep needs --group (or --id) to recognise the rows placed before.")
    earlier = _earlier_rows(keyed.sparkSession, keep, key_columns)
    found = [r[0] for r in earlier.select(EARLIER).distinct().collect()]
    unknown = sorted({str(s) for s in found} - set(split_names))
    if unknown:
        raise OptionError(
            f"{keep}: the earlier split has split {unknown[0]!r}, which this request does "
            f"not make (splits: {', '.join(split_names)}). Request the same split names."
        )
    rows = keyed.select(
        GROUP, *[key_text(keyed, c).alias(f"__key{i}") for i, c in enumerate(key_columns)]
    )
    matched: list[Column] = []
    for i, column in enumerate(key_columns):
        # A key's first row in the earlier split names its split (as the loader reads it).
        first = (
            earlier.select(key_text(earlier, column).alias("key"), EARLIER, ORDER)
            .where(F.col("key").isNotNull())
            .groupBy("key")
            .agg(F.min_by(EARLIER, ORDER).alias(f"__split{i}"))
        )
        rows = rows.join(first, rows[f"__key{i}"] == first["key"], "left").drop("key")
        matched.append(F.col(f"__split{i}"))
    # The first key column that matches decides, as in memory.
    split = F.coalesce(*matched)
    votes = rows.where(split.isNotNull()).groupBy(GROUP, split.alias("s")).count().toArrow()
    group = pc.index_in(votes.column(GROUP), value_set=pa.array(group_names.astype(str)))
    where = pc.index_in(votes.column("s"), value_set=pa.array(list(split_names), pa.string()))
    tally = np.zeros((group_names.size, len(split_names)), dtype=np.int64)
    np.add.at(
        tally,
        (group.to_numpy(zero_copy_only=False), where.to_numpy(zero_copy_only=False)),
        votes.column("count").to_numpy(),
    )
    return by_votes(tally)


def _earlier_rows(
    spark: SparkSession, keep: str | Mapping[str, str], key_columns: tuple[str, ...]
) -> DataFrame:
    """The earlier split's rows: their key columns, their split (`EARLIER`) and their
    place (`ORDER`: the file's place, then the row's)."""
    from pyspark.sql import functions as F

    from splitguard.spark.read import INDEX, SOURCE, named_col, read_rows

    parts: list[tuple[Any, str]] = []
    if isinstance(keep, Mapping):
        parts = [(F.lit(split), path) for split, path in keep.items()]
    else:
        parts = _folder_parts(Path(keep))
    frames = []
    for rank, (split, path) in enumerate(parts):
        rows = read_rows(path, spark)
        missing = [c for c in key_columns if c not in rows.columns]
        if missing:
            raise InputError(
                f"{path}: no column {missing[0]!r}; --keep needs the earlier split's files "
                "with the same id/group columns."
            )
        if isinstance(split, str):
            if split not in rows.columns:
                raise InputError(
                    f"{path}: no column 'split' or 'fold'; --keep needs the files a "
                    "`split` run wrote."
                )
            split = F.col(split)
        order = F.struct(F.lit(rank).alias("rank"), F.col(SOURCE), F.col(INDEX))
        frames.append(
            rows.select(
                *[named_col(c) for c in key_columns],
                split.cast("string").alias(EARLIER),
                order.alias(ORDER),
            )
        )
    combined = frames[0]
    for frame in frames[1:]:
        combined = combined.unionByName(frame)
    return combined


def _folder_parts(folder: Path) -> list[tuple[Any, str]]:
    """A `split` output folder's parts: (split name, or the column naming it; path)."""
    from pyspark.sql import functions as F

    from splitguard.core.io.read import PARQUET_SUFFIXES

    if not folder.is_dir():
        raise InputError(
            f"{folder}: --keep takes a directory written by `splitguard split`, or split "
            "files as train=a.csv,val=b.csv,test=c.csv."
        )
    partitions = sorted(
        p for p in folder.iterdir() if p.is_dir() and p.name.startswith(("split=", "fold="))
    )
    if partitions:
        return [(F.lit(p.name.partition("=")[2]), str(p)) for p in partitions]
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in PARQUET_SUFFIXES)
    if not files:
        raise InputError(f"{folder}: no Parquet split files in it; give a `split` --out folder.")
    import pyarrow.parquet as pq

    return [("split" if "split" in pq.read_schema(p).names else "fold", str(p)) for p in files]
