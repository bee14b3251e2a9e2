"""splitguard.core.io.read: every input format, and every way a file can be wrong."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from splitguard.core.errors import InputError, OptionError
from splitguard.core.io.read import read_table

IDS = ["000123", "123", "123456789012345678901234"]
TEXT = "id,lab\n" + "".join(f"{i},a\n" for i in IDS)


def test_csv_keeps_ids_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(TEXT)
    table = read_table(path)
    assert table.column("id").to_pylist() == IDS


def test_csv_gz_by_content_not_by_name(tmp_path: Path) -> None:
    path = tmp_path / "t.data"  # gzip is recognised by its magic bytes
    path.write_bytes(gzip.compress(TEXT.encode()))
    assert read_table(path).column("id").to_pylist() == IDS


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("id\tlab\n001\ta|b\n")
    table = read_table(path)
    assert table.column_names == ["id", "lab"]
    assert table.column("id").to_pylist() == ["001"]


def test_byte_order_mark_does_not_hide_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text(TEXT, encoding="utf-8-sig")
    table = read_table(path)
    assert table.column_names[0] == "id"
    assert table.column("id").to_pylist() == IDS  # "000123" stays distinct from "123"


def test_parquet_file_and_parquet_named_otherwise(tmp_path: Path) -> None:
    source = pa.table({"id": IDS, "lab": ["a", "b", "c"]})
    pq.write_table(source, tmp_path / "t.parquet")
    pq.write_table(source, tmp_path / "t.csv")  # recognised by its magic bytes
    assert read_table(tmp_path / "t.parquet").equals(source)
    assert read_table(tmp_path / "t.csv").equals(source)


def test_parquet_directory_reads_every_file_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    (folder / "sub").mkdir(parents=True)
    pq.write_table(pa.table({"id": ["3"], "lab": ["c"]}), folder / "sub" / "part-2.parquet")
    pq.write_table(pa.table({"id": ["1", "2"], "lab": ["a", "b"]}), folder / "part-1.parquet")
    (folder / "_SUCCESS").write_text("")
    table = read_table(folder)
    assert table.column("id").to_pylist() == ["1", "2", "3"]


def test_reading_parquet_does_not_import_pandas(tmp_path: Path) -> None:
    import subprocess

    pq.write_table(pa.table({"id": ["1"], "lab": ["a"]}), tmp_path / "t.parquet")
    code = (
        "import sys; from splitguard.core.io.read import read_table; "
        f"read_table({str(tmp_path / 't.parquet')!r}); "
        "sys.exit('pandas' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _expect(path: Path, *fragments: str) -> None:
    with pytest.raises(InputError) as caught:
        read_table(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_missing_file(tmp_path: Path) -> None:
    _expect(tmp_path / "nope.csv", "no such file")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes(b"")
    _expect(tmp_path / "e.csv", "empty")


def test_empty_gzip(tmp_path: Path) -> None:
    (tmp_path / "e.csv.gz").write_bytes(gzip.compress(b""))
    _expect(tmp_path / "e.csv.gz", "empty")


@pytest.mark.parametrize("text", ["id,lab\n", "id,lab", "id,lab\r\n"])
def test_header_only(tmp_path: Path, text: str) -> None:
    (tmp_path / "h.csv").write_text(text)
    _expect(tmp_path / "h.csv", "header but no rows")


def test_binary_file_is_not_a_csv(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_bytes(bytes(range(128, 256)) * 4)
    _expect(tmp_path / "b.csv", "not a readable")


def test_ragged_csv(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("id,lab\n1,a,extra\n")
    _expect(tmp_path / "r.csv", "row 1", "3 fields", "2 columns")


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(b"id,lab\n" + b"".join(b"%d,a\n" % i for i in range(50_000)))
    (tmp_path / "t.csv.gz").write_bytes(data[: len(data) // 2])
    _expect(tmp_path / "t.csv.gz", "not a readable")


def test_not_parquet(tmp_path: Path) -> None:
    (tmp_path / "t.parquet").write_text("id,lab\n1,a\n")
    _expect(tmp_path / "t.parquet", "not a readable Parquet file")


def test_directory_without_parquet_files(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "t.csv").write_text("id,lab\n1,a\n")
    _expect(tmp_path / "d", "no Parquet files")


def test_parquet_directory_without_rows(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    pq.write_table(pa.table({"id": pa.array([], pa.string())}), tmp_path / "d" / "a.parquet")
    _expect(tmp_path / "d", "no rows")


def test_parquet_directory_with_clashing_schemas(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    pq.write_table(pa.table({"id": [1, 2]}), tmp_path / "d" / "a.parquet")
    pq.write_table(pa.table({"id": ["x"]}), tmp_path / "d" / "b.parquet")
    _expect(tmp_path / "d", "do not share one schema")


def test_parquet_without_rows(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": pa.array([], pa.string())}), tmp_path / "e.parquet")
    _expect(tmp_path / "e.parquet", "no rows")


def test_hive_partition_folders_become_string_columns(tmp_path: Path) -> None:
    for split, ids in (("train", ["a", "b"]), ("test", ["c"])):
        folder = tmp_path / "table" / f"split={split}"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"id": ids}), folder / "part-0.parquet")
    table = read_table(tmp_path / "table")
    rows = sorted(
        zip(table.column("id").to_pylist(), table.column("split").to_pylist(), strict=True)
    )
    assert rows == [("a", "train"), ("b", "train"), ("c", "test")]
    assert table.schema.field("split").type == pa.string()


# --- every CSV cell as the text it is ------------------------------------------------------


def test_csv_columns_no_option_names_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    wide = [f"{10**29 + i}" for i in range(3_000)]  # 30 digits: one double for all of them
    path.write_text("code,big,ratio,flag,lab\n" + "".join(f"00012,{w},1.50,true,a\n" for w in wide))
    table = read_table(path)
    assert all(table.schema.field(name).type == pa.string() for name in table.column_names)
    assert set(table.column("code").to_pylist()) == {"00012"}
    assert table.column("big").to_pylist() == wide
    assert set(table.column("ratio").to_pylist()) == {"1.50"}
    assert set(table.column("flag").to_pylist()) == {"true"}


def test_header_with_a_quoted_newline(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('"patient\nid",id,lab\n0007,000123,a\n')
    table = read_table(path)
    assert table.column_names == ["patient\nid", "id", "lab"]
    assert table.to_pylist() == [{"patient\nid": "0007", "id": "000123", "lab": "a"}]


def test_cells_with_quoted_newlines_across_blocks(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "id,note\n" + "".join(f'{i:06d},"line one\nline two"\n' for i in range(200_000))
    )
    table = read_table(path)
    assert table.num_rows == 200_000
    assert table.column("note")[123].as_py() == "line one\nline two"


def test_an_empty_cell_is_a_missing_value(tmp_path: Path) -> None:
    # CSV cannot tell an empty string from a missing value; the reader (as pandas does)
    # reads both `,,` and `,"",` as null, and a null written back to CSV is an empty cell.
    path = tmp_path / "t.csv"
    path.write_text('id,a,b\n1,,""\n2, ,x\n')
    table = read_table(path)
    assert table.column("a").to_pylist() == [None, " "]
    assert table.column("b").to_pylist() == [None, "x"]


def test_a_ten_megabyte_cell(tmp_path: Path) -> None:
    cell = "x" * (10 << 20)
    path = tmp_path / "t.csv"
    path.write_text(f"id,note\n1,a\n2,{cell}\n3,c\n")
    assert read_table(path).column("note").to_pylist() == ["a", cell, "c"]
    gz = tmp_path / "t.csv.gz"
    gz.write_bytes(gzip.compress(path.read_bytes(), compresslevel=1))
    assert read_table(gz).column("note")[1].as_py() == cell
    first = tmp_path / "first.csv"  # in the first row too, and quoted over several lines
    first.write_text(f'id,note\n1,"{cell}\n{cell}"\n')
    assert read_table(first).column("note").to_pylist() == [f"{cell}\n{cell}"]


def test_latin1_bytes_name_the_line_column_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,city\n1,Paris\n2,S\xe3o Paulo\n")
    _expect(path, "line 3", "column 'city'", "\\xe3", "--encoding latin-1")
    table = read_table(path, encoding="latin-1")
    assert table.column("city").to_pylist() == ["Paris", "São Paulo"]


def test_latin1_bytes_in_a_gzip_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv.gz"
    rows = b"".join(b"%d,Paris\n" % i for i in range(100_000))
    path.write_bytes(gzip.compress(b"id,city\n" + rows + b"7,Z\xfcrich\n"))
    _expect(path, "line 100002", "column 'city'", "\\xfc", "--encoding latin-1")
    assert read_table(path, encoding="latin-1").column("city")[-1].as_py() == "Zürich"


def test_utf16_without_encoding_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,lab\n1,a\n", encoding="utf-16")
    _expect(path, "--encoding utf-16")
    assert read_table(path, encoding="utf-16").column("lab").to_pylist() == ["a"]


def test_undecodable_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,caf\xe9\n1,a\n")
    _expect(path, "line 1", "\\xe9", "--encoding latin-1")


def test_unknown_encoding(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,lab\n1,a\n")
    with pytest.raises(OptionError, match="klingon"):
        read_table(path, encoding="klingon")


def test_ragged_row_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,lab\n" + "".join(f"{i},a\n" for i in range(50_000)) + '7,"b\nc",extra\n')
    _expect(path, "row 50001", "3 fields", "2 columns", "7,")


def test_a_ragged_row_of_bytes_not_in_the_encoding_prints_no_traceback(tmp_path: Path) -> None:
    # Arrow decodes a ragged row's text before it hands it over: bytes that are not
    # UTF-8 failed there, and Python printed "Exception ignored in ..." with a traceback.
    import subprocess
    import sys

    path = tmp_path / "r.csv"
    path.write_bytes(b"id,lab\n1,a\n2,b,\xf1\xe9x\n3,a\n")
    code = (
        "import sys; from splitguard.core.io.read import read_table; "
        "from splitguard.core.errors import InputError\n"
        f"try:\n    read_table({str(path)!r})\nexcept InputError as exc:\n    print(exc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert "--encoding latin-1" in done.stdout
