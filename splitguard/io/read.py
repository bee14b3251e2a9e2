"""Read one label table (CSV, CSV.gz, a Parquet file or a directory of Parquet files).

Id, group, split and label columns are read as strings: real patient ids overflow
64-bit integers and lose their leading zeros as numbers.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from splitguard.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"


def read_table(path: str | Path, string_columns: Collection[str] = ()) -> pa.Table:
    """Read `path` into an Arrow table; the named columns (where present) as strings."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path, or run from the folder it is in.")
    if path.is_dir():
        table = _read_parquet_dir(path)
        if table.num_rows == 0:
            raise InputError(f"{path}: its Parquet files hold no rows. Give a table with rows.")
        return table
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise InputError(
            f"{path}: cannot be read ({exc.strerror}). Check its permissions."
        ) from exc
    if not head:
        raise InputError(f"{path}: the file is empty. Give a table with a header row and rows.")
    if head == _PARQUET_MAGIC or path.suffix.lower() in PARQUET_SUFFIXES:
        table = _read_parquet(path)
    else:
        table = _read_csv(path, string_columns, compressed=head[:2] == _GZIP_MAGIC)
    if table.num_rows == 0:
        raise InputError(f"{path}: the table has a header but no rows. Give a table with rows.")
    return table


def _read_csv(path: Path, string_columns: Collection[str], *, compressed: bool) -> pa.Table:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    delimiter = "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv") else ","
    names = _csv_header(path, delimiter, compressed=compressed)
    column_types = {name: pa.string() for name in string_columns if name in names}
    try:
        # Compression is known from the magic bytes; pyarrow would guess it from the name.
        with pa.input_stream(str(path), compression="gzip" if compressed else None) as source:
            return pacsv.read_csv(
                source,
                parse_options=pacsv.ParseOptions(delimiter=delimiter),
                convert_options=pacsv.ConvertOptions(
                    column_types=column_types,
                    strings_can_be_null=True,
                    null_values=[""],
                    true_values=["true", "True", "TRUE"],
                    false_values=["false", "False", "FALSE"],
                ),
            )
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
        # OSError: a truncated or corrupt gzip stream surfaces only when the body is read.
        raise InputError(
            f"{path}: not a readable CSV table ({_first_line(exc)}). "
            "Give a comma-separated file with a header row, or a Parquet file."
        ) from exc


def _csv_header(path: Path, delimiter: str, *, compressed: bool) -> list[str]:
    import csv
    import gzip
    import io

    try:
        raw = gzip.open(path, "rb") if compressed else path.open("rb")  # noqa: SIM115 - closed below
        # utf-8-sig: a byte-order mark (Excel's exports) is not part of the first column's
        # name; pyarrow drops it too, and the names must agree for `column_types`.
        with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            first = text.readline()
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        kind = "gzip-compressed CSV" if compressed else "UTF-8 CSV"
        raise InputError(f"{path}: not a readable {kind} file ({exc}).") from exc
    if not first.strip():
        raise InputError(f"{path}: the file is empty. Give a table with a header row and rows.")
    if not first.endswith(("\n", "\r")):
        raise InputError(f"{path}: the table has a header but no rows. Give a table with rows.")
    return next(csv.reader([first], delimiter=delimiter))


def _read_parquet(path: Path) -> pa.Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # ParquetFile, not pq.read_table: read_table goes through pyarrow.dataset, which
        # imports pandas (about 0.3 s).
        with pq.ParquetFile(path) as parquet:
            return parquet.read()
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"{path}: not a readable Parquet file ({_first_line(exc)}). "
            "Give a Parquet file, a directory of Parquet files or a CSV file."
        ) from exc


def _read_parquet_dir(path: Path) -> pa.Table:
    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in PARQUET_SUFFIXES)
    if not files:
        raise InputError(
            f"{path}: a directory with no Parquet files in it. "
            "Give a file, or a directory of .parquet files."
        )
    import pyarrow as pa

    tables = [_with_partitions(_read_parquet(file), file.relative_to(path)) for file in files]
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputError(
            f"{path}: its Parquet files do not share one schema ({_first_line(exc)})."
        ) from exc


def _with_partitions(table: pa.Table, relative: Path) -> pa.Table:
    """Hive-style folders (`split=train/part-0.parquet`) as string columns of the rows."""
    from splitguard.io.arrow import constant_strings

    for folder in relative.parent.parts:
        key, sep, value = folder.partition("=")
        if sep and key and key not in table.column_names:
            table = table.append_column(key, constant_strings(value, len(table)))
    return table


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
