"""The SparkSession a run uses: the active one (spark-submit, a notebook), else a local one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitguard.core.errors import OptionError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

INSTALL = "pip install 'splitguard-ml[spark]'"


def require_pyspark() -> None:
    """Refuse the Spark engine clearly where pyspark is not installed."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise OptionError(
            f"--engine spark needs pyspark, which is not installed: {INSTALL} (Spark also "
            "needs a Java runtime, 17 or later)."
        ) from None


def spark_session(master: str | None = None) -> SparkSession:
    """The active SparkSession, else a new one on `master` (default ``local[*]``).

    Under spark-submit or in a notebook the session the job already has is used as is,
    with its cluster and settings; a local session gets its UI off and a few shuffle
    partitions, as a single machine needs.
    """
    require_pyspark()
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    # Under spark-submit the master and settings come with the job: keep them.
    conf = SparkConf()
    if master is not None or not conf.contains("spark.master"):
        conf.setMaster(master or "local[*]")
        conf.set("spark.ui.enabled", "false")
        conf.set("spark.ui.showConsoleProgress", "false")
        conf.set("spark.sql.shuffle.partitions", "8")
    session = SparkSession.builder.appName("splitguard").config(conf=conf).getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
