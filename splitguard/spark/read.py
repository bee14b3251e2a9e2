"""Rows into Spark: a path Spark reads (a Parquet dataset directory, a CSV or JSON file)
or a Spark DataFrame given as is, each row with its place in the input.

A row's place (`SOURCE`, `INDEX`: its file and its row in the file, or its partition and
its row in the partition) orders the rows as the in-memory loader reads them: a Parquet
directory's files in name order, each file's rows in order. It names a row without a
group key, as the loader does ("<missing> row 7"), and never reaches the driver.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from splitguard.core.errors import InputError
from splitguard.core.io.read import PARQUET_SUFFIXES, empty_file, parquet_files
from splitguard.core.printable import printable
from splitguard.spark.session import spark_session

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

# Columns the engine adds to the rows; the written splits never hold them.
SOURCE = "__splitguard_source"
INDEX = "__splitguard_index"
# The file names of a local folder's Parquet files, as Spark globs them: the suffixes of
# `PARQUET_SUFFIXES` in any case ("x.Parquet" too), as the in-memory loader takes them.
_ANY_CASE = (
    "".join(f"[{ch}{ch.upper()}]" if ch.isalpha() else ch for ch in suffix[1:])
    for suffix in PARQUET_SUFFIXES
)
PARQUET_GLOB = "*.{" + ",".join(_ANY_CASE) + "}"
_GLOB_CHARACTER = re.compile(r"[\\\[\]{}*?]")
CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def named_col(name: str) -> Column:
    """The column `name`, whatever it holds: dots, spaces and backticks (doubled inside
    the quotes, as Spark reads a quoted name)."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def read_rows(source: str | Path | DataFrame, spark: SparkSession | None = None) -> DataFrame:
    """The rows of `source` with their place (`SOURCE`, `INDEX`).

    A path is read by its kind: a directory or a ``.parquet`` file as Parquet, a CSV
    file with its header and its columns' types inferred (as the in-memory loader infers
    them), a JSON lines file as JSON. A DataFrame's rows are placed by partition.
    """
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    if isinstance(source, DataFrame):
        return placed_by_partition(source)
    path = Path(source)
    remote = is_remote(source)
    if not remote and not path.exists():
        raise InputError(f"{path}: no such file or directory. Give a Parquet dataset or a file.")
    if not remote and path.is_file() and path.stat().st_size == 0:
        raise empty_file(path)
    session = spark or spark_session()
    kind = _kind(path, remote=remote)
    location = str(source) if remote else literal(path)
    with _unreadable(source):
        if kind == "parquet":
            if not remote and path.is_dir():
                rows = _read_parquet_dir(session, path)
            else:
                rows = session.read.parquet(location)
            return rows.select(
                "*",
                F.col("_metadata.file_path").alias(SOURCE),
                F.col("_metadata.row_index").alias(INDEX),
            )
        if kind == "csv":
            sep = "\t" if ".tsv" in path.name.lower() else ","
            reader = session.read.options(header=True, inferSchema=True, sep=sep, multiLine=True)
            return placed_by_partition(reader.csv(location))
        return placed_by_partition(session.read.json(location))


@contextmanager
def _unreadable(source: str | Path) -> Iterator[None]:
    """What Spark raises on reading an input (a Parquet file without its footer, say,
    while it infers the schema) as an `InputError` naming it, without the JVM's stack.

    Only the reading: an error in a later step is not the input's to answer for.
    """
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        yield
    except Py4JJavaError as exc:
        raise InputError(_cannot_read(source, str(exc.java_exception.getMessage()))) from None
    except PySparkException as exc:
        raise InputError(_cannot_read(source, str(exc))) from None


def _cannot_read(source: str | Path, message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    reason = printable(lines[0] if lines else "no reason given")[:500]
    return (
        f"{source}: Spark cannot read it ({reason}). Give a readable Parquet dataset, CSV or "
        "JSON-lines file; `splitguard check` without --engine spark names the first bad "
        "file or line of a local input."
    )


def _read_parquet_dir(session: SparkSession, path: Path) -> DataFrame:
    """A local folder's Parquet files (`parquet_files`: every one, at any depth, as the
    in-memory loader reads them), never its other files: a split's output folder holds
    its reports beside the rows.

    Spark's folder reading finds partition columns in hive-style folders
    (``split=train/``) but skips the files beside or above them, and every file in a
    folder that is not one: where the files are not all in partition folders of the
    same keys, they are named one by one instead, and a folder that mixes the two,
    which Spark cannot read as the in-memory loader does, is an `InputError`.
    """
    relative = [file.relative_to(path) for file in parquet_files(path)]
    layout = {file: _partition_keys(file) for file in relative}
    layouts = set(layout.values())
    if len(layouts) == 1 and None not in layouts:
        return session.read.option("pathGlobFilter", PARQUET_GLOB).parquet(literal(path))
    if all(not keys for keys in layouts):
        return session.read.parquet(*(literal(path / file) for file in layout))
    inside = next(file for file, keys in layout.items() if keys)
    outside = next(file for file, keys in layout.items() if keys != layout[inside])
    raise InputError(
        f"{path}: its Parquet files are not all in partition folders of the same keys "
        f"({outside} beside {inside}), and Spark "
        "would leave some of them out. Put every file in folders of the same keys "
        "(key=value/), or none, or read the folder with --engine memory."
    )


def literal(path: Path) -> str:
    """A local path as Spark reads it literally: Spark (Hadoop) takes a path as a glob,
    so a name holding ``[``, ``{``, ``*`` or ``?`` matched nothing ("Path does not
    exist"); each such character is escaped."""
    return _GLOB_CHARACTER.sub(r"\\\g<0>", path.as_posix())


def _partition_keys(relative: Path) -> tuple[str, ...] | None:
    """The partition keys of a file's folders (``a=1/b=2/x.parquet``: a, b); None where
    a folder is not a partition folder."""
    keys = []
    for folder in relative.parent.parts:
        key, sep, _ = folder.partition("=")
        if not (sep and key):
            return None
        keys.append(key)
    return tuple(keys)


def is_remote(source: str | Path) -> bool:
    """A URI Spark reads (s3a://, hdfs://, ...), not a path of this machine."""
    return isinstance(source, str) and "://" in source and not source.startswith("file://")


def placed_by_partition(rows: DataFrame) -> DataFrame:
    """`rows` placed by their partition and their position in it (the order Spark keeps)."""
    from pyspark.sql import functions as F

    row_id = F.monotonically_increasing_id()
    # monotonically_increasing_id puts the partition in the upper 31 bits.
    return rows.select(
        "*",
        F.lpad(F.shiftright(row_id, 33).cast("string"), 10, "0").alias(SOURCE),
        row_id.bitwiseAND((1 << 33) - 1).alias(INDEX),
    )


def _kind(path: Path, *, remote: bool) -> str:
    name = path.name.lower()
    if not remote and path.is_dir():
        files = [p.name.lower() for p in path.rglob("*") if p.is_file() and _data_file(p)]
        if files and all(f.endswith(CSV_SUFFIXES) for f in files):
            return "csv"
        if files and all(f.endswith(JSON_SUFFIXES) for f in files):
            return "json"
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    if name.endswith(JSON_SUFFIXES):
        return "json"
    return "parquet"


def _data_file(path: Path) -> bool:
    # Spark skips files whose names start with _ or . (_SUCCESS, .crc checksums).
    return not path.name.startswith(("_", "."))


def data_columns(rows: DataFrame) -> list[str]:
    """The input's own columns: `rows`' columns without those the engine added."""
    return [c for c in rows.columns if not c.startswith("__splitguard_")]
