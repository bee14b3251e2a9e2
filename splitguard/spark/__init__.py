"""The Spark engine: the rows stay in Spark, only the group x class counts reach Python.

Reading, counting positives per (group, class) and writing every row to its split are a
group-by and a join that Spark runs on the cluster; assigning groups to splits needs only
the counts (`splitguard.split.engine`), so it runs on the driver with the same code, and
gives the same assignment, as the in-memory engine. Needs the `spark` extra
(``pip install 'splitguard-ml[spark]'``); importing this package does not import pyspark.
"""

from typing import Any


def check(data: Any, **keywords: Any) -> Any:
    """`splitguard.check` with Spark: `data` is a Spark DataFrame, a path Spark reads (a
    Parquet dataset; `DIR/split=...` as `split --engine spark` writes it is split by its
    `split` column), or (split, path) pairs; the keywords are `splitguard.check`'s, and so
    is the `CheckOutcome` returned. The rules that read counts run on Spark's counts of the
    whole table, the schema rules on a sample of whole groups (`summary()["sample"]`).

    >>> outcome = splitguard.spark.check(sdf, labels="labels", sep="|", group="patient",
    ...     split_col="split")                                          # doctest: +SKIP
    """
    import splitguard

    return splitguard.check(data, engine="spark", **keywords)
