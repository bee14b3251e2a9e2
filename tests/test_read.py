"""splitguard.io.read: every input format, and every way a file can be wrong."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from splitguard.errors import InputError
from splitguard.io.read import read_table

IDS = ["000123", "123", "123456789012345678901234"]
TEXT = "id,lab\n" + "".join(f"{i},a\n" for i in IDS)


def test_csv_keeps_string_columns_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(TEXT)
    table = read_table(path, ["id"])
    assert table.column("id").to_pylist() == IDS


def test_csv_gz_by_content_not_by_name(tmp_path: Path) -> None:
    path = tmp_path / "t.data"  # gzip is recognised by its magic bytes
    path.write_bytes(gzip.compress(TEXT.encode()))
    assert read_table(path, ["id"]).column("id").to_pylist() == IDS


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("id\tlab\n001\ta|b\n")
    table = read_table(path, ["id"])
    assert table.column_names == ["id", "lab"]
    assert table.column("id").to_pylist() == ["001"]


def test_byte_order_mark_does_not_hide_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text(TEXT, encoding="utf-8-sig")
    table = read_table(path, ["id"])
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
        "import sys; from splitguard.io.read import read_table; "
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
    _expect(tmp_path / "r.csv", "not a readable CSV table")


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
