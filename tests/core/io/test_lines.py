"""Where a row lies in its file: the physical line of a CSV row, the number of a Parquet row."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from splitguard.core.io.lines import Place, place_of


def test_a_csv_row_is_its_physical_line_with_the_header_as_line_1(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,note\na,"two\nlines"\n\nb,x\r\nc,y\n')
    # a spans lines 2-3, line 4 is blank (no row), b is line 5, c line 6.
    assert [place_of(str(path), row) for row in range(3)] == [
        Place("line", 2), Place("line", 5), Place("line", 6),
    ]  # fmt: skip
    assert place_of(str(path), 3) is None


def test_gzip_and_tab_separated_files_are_read_as_the_table_reader_reads_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.tsv.gz"
    path.write_bytes(gzip.compress('\ufeffid\tnote\na\t"x,\ny"\nb\tz\n'.encode()))
    assert place_of(str(path), 1) == Place("line", 4)


def test_a_parquet_row_is_its_row_number(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ["a", "b"]}), path)
    assert place_of(str(path), 1) == Place("row", 2)


def test_a_file_gone_since_it_was_read_has_no_place(tmp_path: Path) -> None:
    assert place_of(str(tmp_path / "gone.csv"), 0) is None


def test_a_changed_file_is_read_anew(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id\na\nb\n")
    assert place_of(str(path), 1) == Place("line", 3)
    path.write_text("id\n\n\na\nb\n")
    assert place_of(str(path), 1) == Place("line", 5)
