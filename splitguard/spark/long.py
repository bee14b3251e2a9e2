"""Long labels on Spark (``--long COL --id COL``): a row per (item, label).

As the in-memory loader reads them (`splitguard.core.shapes.long`), the rows sharing
an id make one item holding every label of its rows (a row without an id is an item of
its own); an item's group keys are those of its first row, and items are numbered in
the order of their first rows (which names an item without a group key, "<missing>
row N"). Spark builds one row per item, counts the items as `split` counts rows, and
gives every row of the table its item's group, so each row goes where its item goes.
A table with splits (`check`, `fix`) has an item per (id, split), as in memory.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

    from splitguard.core.spec import LabelSpec

ITEM = "__splitguard_item"
FIRST = "__splitguard_first"


def long_items(
    rows: DataFrame, spec: LabelSpec, *, split: str | None = None, strict: bool = True
) -> tuple[DataFrame, DataFrame]:
    """(`rows` with `GROUP`: each row's item's group; one row per item: `ROW`, `GROUP`,
    `LABELS` (the distinct labels of all its rows), its place (`SOURCE` "items",
    `INDEX` its number), and its first row's key columns) for `rows` from `read_rows`.

    `split` names the column holding each row's split: an item is then an (id, split)
    pair and carries it. Not `strict`, a label cell the shape does not allow reads as
    no label (`splitguard.spark.counts.row_labels`)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from splitguard.spark.counts import GROUP, LABELS, ROW, keyed_rows, row_labels
    from splitguard.spark.read import INDEX, SOURCE, named_col

    assert spec.long is not None and spec.id is not None  # the long shape requires --id
    keys = [spec.id, *(c for c in spec.group if c != spec.id)]
    carried = [*keys, *([split] if split else [])]
    # Each cell read as a delimited or list label cell is.
    cell_spec = replace(spec, long=None, labels=spec.long)
    item = _item_key(rows, spec.id)
    if split:
        item = F.concat(item, F.lit("\x00"), F.col(split))
    rows = rows.withColumn(ITEM, item)
    # Each row's labels, read as a delimited or list cell is (strict: a bad cell stops
    # here), gathered per item (in the place of the group).
    cells, _ = row_labels(
        rows.withColumn(ROW, F.lit(0)).withColumn(GROUP, F.col(ITEM)),
        cell_spec,
        strict=strict,
    )
    labels = cells.groupBy(F.col(GROUP).alias(ITEM)).agg(
        F.flatten(F.collect_list(LABELS)).alias(LABELS)
    )
    first = F.min(F.struct(F.col(SOURCE), F.col(INDEX), *[named_col(k).alias(k) for k in carried]))
    items = rows.groupBy(ITEM).agg(first.alias(FIRST)).join(labels, ITEM)
    # Items numbered by their first row: a group without a key is named by that number.
    number = F.row_number().over(
        Window.orderBy(F.col(FIRST).getField(SOURCE), F.col(FIRST).getField(INDEX))
    )
    items = items.select(
        ITEM,
        F.array_distinct(LABELS).alias(LABELS),
        *[F.col(FIRST).getField(k).alias(k) for k in carried],
        F.lit("items").alias(SOURCE),
        (number - 1).alias(INDEX),
    )
    keyed = keyed_rows(items, cell_spec)
    groups = keyed.select(ITEM, GROUP)
    return rows.join(groups, ITEM).drop(ITEM), keyed.drop(ITEM)


def _item_key(rows: DataFrame, id_column: str) -> Column:
    """A row's item: its id as the loader reads it; a row without one is its own item."""
    from pyspark.sql import functions as F

    from splitguard.spark.counts import key_text
    from splitguard.spark.read import INDEX, SOURCE

    own = F.concat(F.lit("\x00"), F.col(SOURCE), F.lit("\x00"), F.col(INDEX).cast("string"))
    return F.coalesce(key_text(rows, id_column), own)
