"""Read one label table (CSV, CSV.gz, a Parquet file or a directory of Parquet files).

A CSV table is read as text, every column: a cell reaches the frame and the split files
as the characters it holds (`00012` stays `00012`, a 30-digit id stays itself, `1.50`
stays `1.50`), since real patient ids overflow 64-bit integers and lose their leading
zeros as numbers. An empty cell (`,,` or `,"",`) is a missing value (null), as pandas
reads it: CSV cannot tell an empty string from a missing value, the checks count empty
cells through their nulls, and a null written back to CSV is an empty cell again.
Parquet columns keep their Arrow types.
"""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from splitguard.core.errors import InputError, OptionError

if TYPE_CHECKING:
    import pyarrow as pa

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
# pyarrow's own default; a file whose largest cell is larger is read again with larger
# blocks (a block must hold a whole row).
_BLOCK_SIZE = 1 << 20
_MAX_BLOCK_SIZE = (1 << 31) - 1
_RAGGED = re.compile(r"Expected (\d+) columns, got (\d+)")
_BAD_COLUMN = re.compile(r"In CSV column #(\d+)")


def read_table(path: str | Path, encoding: str = "utf-8") -> pa.Table:
    """Read `path` into an Arrow table; a CSV file's cells as text in `encoding`."""
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
        raise empty_file(path)
    if head == _PARQUET_MAGIC or path.suffix.lower() in PARQUET_SUFFIXES:
        table = _read_parquet(path)
    else:
        table = _Csv(path, encoding, compressed=head[:2] == _GZIP_MAGIC).read()
    if table.num_rows == 0:
        raise InputError(f"{path}: the table has a header but no rows. Give a table with rows.")
    return table


def empty_file(path: Path) -> InputError:
    """What both engines say of an input file with no header and no rows."""
    return InputError(f"{path}: the file is empty. Give a table with a header row and rows.")


def codec_name(encoding: str) -> str:
    """The canonical name of a text encoding ('latin1' -> 'iso8859-1'); OptionError if unknown."""
    import codecs

    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise OptionError(
            f"--encoding {encoding!r} is not a text encoding Python knows; use such as "
            "utf-8, latin-1 or cp1252."
        ) from None


class _Csv:
    """One CSV file: its header, then its cells as text, with every failure located."""

    def __init__(self, path: Path, encoding: str, *, compressed: bool) -> None:
        self.path = path
        self.codec = codec_name(encoding)
        self.compressed = compressed
        self.delimiter = "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv") else ","

    def read(self) -> pa.Table:
        names = self._header()
        table = self._read(names)
        if table.column_names != names:
            # The header parsed otherwise than pyarrow parses it: type by pyarrow's names.
            table = self._read(table.column_names)
        return table

    def _open(self) -> BinaryIO:
        import gzip

        if self.compressed:
            return gzip.open(self.path, "rb")  # type: ignore[return-value]
        return self.path.open("rb")

    def _header(self) -> list[str]:
        import csv
        import io

        # utf-8-sig: a byte-order mark (Excel's exports) is not part of the first column's
        # name; pyarrow drops it too, and the names must agree for `column_types`.
        encoding = "utf-8-sig" if self.codec == "utf-8" else self.codec
        # surrogateescape: bytes that are not text in a later line (which the wrapper
        # decodes ahead) are reported, with their line and column, once the names are known.
        try:
            with (
                self._open() as raw,
                io.TextIOWrapper(raw, encoding, "surrogateescape", newline="") as text,
            ):
                # csv, not readline: a quoted header name may hold a newline.
                header = next(
                    (row for row in csv.reader(text, delimiter=self.delimiter) if row), []
                )
                # Lines, not a csv record: a first row may hold a cell larger than csv's
                # field size limit.
                has_rows = any(line.strip() for line in text)
        except (OSError, EOFError, csv.Error) as exc:
            kind = "gzip-compressed CSV" if self.compressed else "CSV"
            raise InputError(f"{self.path}: not a readable {kind} file ({exc}).") from exc
        if not any(name.strip() for name in header):
            raise empty_file(self.path)
        if any(_has_surrogates(name) for name in header):
            raise self._undecodable(UnicodeError("in the header"))
        if not has_rows:
            raise InputError(
                f"{self.path}: the table has a header but no rows. Give a table with rows."
            )
        return header

    def _read(self, names: list[str]) -> pa.Table:
        import pyarrow as pa

        limit = min(self._size(), _MAX_BLOCK_SIZE)
        block = _BLOCK_SIZE
        while True:
            try:
                return self._arrow_read(names, block, use_threads=True, on_invalid=None)
            except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
                message = str(exc)
                if "straddling object" in message and block < limit:
                    # A cell (a row) larger than a block: read again with blocks that hold it.
                    block = min(block * 8, limit)
                    continue
                raise self._explain(exc, names, block) from exc

    def _size(self) -> int:
        """An upper bound of the text's size in bytes (gzip: its trailer's size, mod 4 GiB)."""
        size = self.path.stat().st_size
        if self.compressed and size >= 4:
            with self.path.open("rb") as handle:
                handle.seek(-4, 2)
                size = max(size, int.from_bytes(handle.read(4), "little"))
        # Transcoded to UTF-8, a character of one byte takes at most three.
        return size * (1 if self.codec == "utf-8" else 3) + 1

    def _arrow_read(
        self, names: list[str], block: int, *, use_threads: bool, on_invalid: object
    ) -> pa.Table:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        # Compression is known from the magic bytes; pyarrow would guess it from the name.
        compression = "gzip" if self.compressed else None
        with pa.input_stream(str(self.path), compression=compression) as source:
            return pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(
                    encoding=self.codec, block_size=block, use_threads=use_threads
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    newlines_in_values=True,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string() for name in names},
                    strings_can_be_null=True,
                    null_values=[""],
                ),
            )

    def _explain(self, exc: BaseException, names: list[str], block: int) -> InputError:
        message = str(exc)
        if isinstance(exc, UnicodeDecodeError) or "invalid UTF8" in message:
            column = _BAD_COLUMN.search(message)
            return self._undecodable(exc, names, int(column.group(1)) if column else None)
        if _RAGGED.search(message):
            return self._ragged(names, block)
        if "straddling object" in message:
            return InputError(
                f"{self.path}: a row of over {block:,} bytes cannot be read "
                f"({_first_line(exc)}). Check that the quotes of its cells are balanced."
            )
        # OSError: a truncated or corrupt gzip stream surfaces only when the body is read.
        return InputError(
            f"{self.path}: not a readable CSV table ({_first_line(exc)}). "
            "Give a comma-separated file with a header row, or a Parquet file."
        )

    def _ragged(self, names: list[str], block: int) -> InputError:
        """A row with more or fewer fields than the header: read again, in order, to number it."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        found: list[pacsv.InvalidRow] = []

        def stop(row: pacsv.InvalidRow) -> str:
            found.append(row)
            return "error"

        # Only a serial read numbers rows; the error it ends with is the one found. Arrow
        # decodes the row's text before it calls `stop`: bytes not in the encoding fail
        # there, out of reach ("Exception ignored in ..."), so they are caught here.
        lost: list[BaseException | None] = []
        previous = sys.unraisablehook
        sys.unraisablehook = lambda unraisable: lost.append(unraisable.exc_value)
        try:
            with contextlib.suppress(pa.ArrowInvalid):
                self._arrow_read(names, block, use_threads=False, on_invalid=stop)
        finally:
            sys.unraisablehook = previous
        for exc in lost:
            if isinstance(exc, KeyboardInterrupt):
                raise exc
        undecodable = [exc for exc in lost if isinstance(exc, UnicodeDecodeError)]
        if not found and undecodable:
            return self._undecodable(undecodable[0], names)
        if not found:
            return InputError(f"{self.path}: a row has more or fewer fields than the header.")
        row = found[0]
        where = f"{self.path}, row {row.number - 1}" if row.number else str(self.path)
        return InputError(
            f"{where}: {row.actual_columns} fields where the header has {row.expected_columns} "
            f"columns ({row.text[:80]!r}). Quote a cell that holds {self.delimiter!r}, or give "
            "the row as many fields as the header."
        )

    def _undecodable(
        self, exc: BaseException, names: list[str] | None = None, column: int | None = None
    ) -> InputError:
        """Bytes that are not text in the encoding: find the first, by line and column."""
        located = self._first_undecodable_line()
        with self._open() as raw:
            utf16 = raw.read(2) in (b"\xff\xfe", b"\xfe\xff")
        if utf16:
            advice = "The file starts with a UTF-16 byte-order mark: pass --encoding utf-16."
        elif self.codec == "utf-8":
            advice = (
                "If the file is Latin-1 (such as an export from Excel on Windows), pass "
                "--encoding latin-1; else --encoding with the encoding it was saved in."
            )
        else:
            advice = "Pass --encoding with the encoding the file was saved in."
        if located is None:
            return InputError(
                f"{self.path}: not a readable {self.codec} CSV table ({_first_line(exc)}). {advice}"
            )
        line, prefix, bad, context = located
        if '"' not in prefix and names is not None:
            column = prefix.count(self.delimiter)
        where = f"{self.path}, line {line}"
        if names is not None and column is not None and column < len(names):
            where += f", column {names[column]!r}"
        return InputError(
            f"{where}: not a readable {self.codec} CSV table: bytes {bad!r} in {context!r} are "
            f"not {self.codec} text. {advice}"
        )

    def _first_undecodable_line(self) -> tuple[int, str, bytes, bytes] | None:
        """(line number, the decoded text before the bad bytes, the bytes, bytes around them)."""
        try:
            with self._open() as raw:
                for number, line in enumerate(raw, start=1):
                    try:
                        line.decode(self.codec)
                    except UnicodeDecodeError as exc:
                        before = line[: exc.start].decode(self.codec, errors="replace")
                        context = line[max(0, exc.start - 30) : exc.end + 30].rstrip(b"\r\n")
                        return number, before, line[exc.start : exc.end], context
        except (OSError, EOFError):
            return None
        return None


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


def parquet_files(path: Path) -> list[Path]:
    """The Parquet files of directory `path` and its folders (by their suffix), sorted:
    the files either engine reads; none is an `InputError`."""
    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in PARQUET_SUFFIXES)
    if not files:
        raise InputError(
            f"{path}: a directory with no Parquet files in it. "
            "Give a file, or a directory of .parquet files."
        )
    return files


def _read_parquet_dir(path: Path) -> pa.Table:
    files = parquet_files(path)
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
    from splitguard.core.io.arrow import constant_strings

    for folder in relative.parent.parts:
        key, sep, value = folder.partition("=")
        if sep and key and key not in table.column_names:
            table = table.append_column(key, constant_strings(value, len(table)))
    return table


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
