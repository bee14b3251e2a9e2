"""One local Spark session for every Spark test (2 cores, 4 shuffle partitions, no UI).

The Spark tests skip, saying why, only where pyspark is not installed; `make test`
installs it (the spark extra), so CI runs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install '.[spark]')")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("splitguard-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def nih_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The NIH table as a Parquet dataset of 4 part files, in the input's row order."""
    import pyarrow.parquet as pq

    from splitguard.core.example import load_example

    table = load_example().table_as_read()
    folder = tmp_path_factory.mktemp("nih") / "nih.parquet"
    folder.mkdir()
    size = -(-table.num_rows // 4)
    for part in range(4):
        pq.write_table(table.slice(part * size, size), folder / f"part-{part}.parquet")
    return folder
