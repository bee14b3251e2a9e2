"""The Spark engine: the rows stay in Spark, only the group x class counts reach Python.

Reading, counting positives per (group, class) and writing every row to its split are a
group-by and a join that Spark runs on the cluster; assigning groups to splits needs only
the counts (`splitguard.split.engine`), so it runs on the driver with the same code, and
gives the same assignment, as the in-memory engine. Needs the `spark` extra
(``pip install 'splitguard-ml[spark]'``); importing this package does not import pyspark.
"""

from __future__ import annotations

from splitguard.spark.api import split
from splitguard.spark.lint import check

__all__ = ["check", "split"]
