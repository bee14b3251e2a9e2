"""Where a row of a table lies in its file: the line of a CSV row, the number of a Parquet row.

A finding points at its first offending row so that an editor, a pull request or a
reader can go to it. In a CSV file that is the physical line (the header is line 1; a
quoted cell holding a newline makes its row span two lines; blank lines, which the
reader skips, still count). Parquet has no lines: there it is the row's number.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Literal

from splitguard.core.io.read import PARQUET_SUFFIXES

Kind = Literal["line", "row"]


@dataclass(frozen=True, slots=True)
class Place:
    """A row's place in its file: `kind` says whether `number` is a line or a row number."""

    kind: Kind
    number: int


def place_of(path: str, data_row: int, encoding: str = "utf-8") -> Place | None:
    """The place of data row `data_row` (0 = the first row after the header) in `path`.

    None when the file cannot be read again (moved or changed since it was read).
    """
    import csv

    file = Path(path)
    if _is_parquet(file):
        return Place("row", data_row + 1)
    try:
        stat = file.stat()
        lines = _record_lines(str(file), encoding, stat.st_size, stat.st_mtime_ns)
    except (OSError, UnicodeError, EOFError, csv.Error):
        return None
    if data_row + 1 >= len(lines):
        return None
    return Place("line", lines[data_row + 1])


def _is_parquet(file: Path) -> bool:
    if file.is_dir() or file.suffix.lower() in PARQUET_SUFFIXES:
        return True
    try:
        with file.open("rb") as handle:
            return handle.read(4) == b"PAR1"
    except OSError:
        return False


# A few files per run, each read once however many findings point into it; size and
# modification time in the key, so that a file changed in between is read anew.
@lru_cache(maxsize=8)
def _record_lines(path: str, encoding: str, size: int, mtime_ns: int) -> tuple[int, ...]:
    """The first physical line of every record of a CSV file, the header's included."""
    import csv

    del size, mtime_ns  # part of the cache key only
    delimiter = "\t" if path.lower().removesuffix(".gz").endswith(".tsv") else ","
    starts: list[int] = []
    with _open_text(Path(path), encoding) as text:
        reader = csv.reader(text, delimiter=delimiter)
        before = 0
        for record in reader:
            # An empty record is a blank line: the table reader skips it, so it is no row.
            if record:
                starts.append(before + 1)
            before = reader.line_num
    return tuple(starts)


def _open_text(path: Path, encoding: str) -> IO[str]:
    """`path` as text, gzip-compressed or not, as the table reader tells them: by magic bytes."""
    import gzip

    with path.open("rb") as handle:
        compressed = handle.read(2) == b"\x1f\x8b"
    # utf-8-sig: a byte-order mark is not a character of the header (the reader drops it).
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    if compressed:
        return gzip.open(path, "rt", encoding=codec, newline="")
    return path.open(encoding=codec, newline="")
