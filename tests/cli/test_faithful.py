"""Every cell of the input reaches the split files as it was read: `split`, `fix`, `--keep`."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

GROUP = "patient\nid"  # a header name with a quoted newline
HEADER = ["id", GROUP, "big", "ratio", "flag", "note", "lab"]
OPTIONS = ("--labels", "lab", "--sep", "|", "--id", "id", "--group", GROUP)
NOTES = ["naïve 東京 🚀", 'a "quoted", cell', "two\nlines", "", "  padded  ", "=1+2", "0012"]


def _rows(n: int = 80) -> list[list[str]]:
    return [
        [
            f"{i:06d}",
            f"{i % 25:05d}",
            f"{10**29 + 7 * i}",  # 30 digits: distinct, though one double would hold them all
            ["1.50", "", "0012.0", "-0"][i % 4],
            ["true", "FALSE", "", "1"][i % 4],
            NOTES[i % len(NOTES)],
            ["a|b", "a", "b", "c|a"][i % 4],
        ]
        for i in range(n)
    ]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _cells(folder: Path) -> dict[str, list[str]]:
    """Every written row by id, its cells as text (a null is an empty CSV cell)."""
    tables = [pq.read_table(p) for p in sorted(folder.glob("*.parquet"))]
    out: dict[str, list[str]] = {}
    for table in tables:
        assert all(table.schema.field(name).type == pa.string() for name in HEADER)
        for row in table.select(HEADER).to_pylist():
            out[row["id"]] = ["" if row[c] is None else row[c] for c in HEADER]
    return out


def _expect_untouched(folder: Path, rows: list[list[str]]) -> None:
    assert _cells(folder) == {row[0]: row for row in rows}


def test_split_fix_and_keep_write_every_cell_as_read(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    rows = _rows()
    table = _write(tmp_path / "t.csv", rows)
    fractions = ("--fractions", "train=0.5,test=0.5")

    result = run("split", table, *OPTIONS, *fractions, "--out", tmp_path / "first")
    assert result.code == 0, result.err
    _expect_untouched(tmp_path / "first", rows)

    result = run("split", table, *OPTIONS, *fractions, "--keep", tmp_path / "first",
                 "--out", tmp_path / "kept")  # fmt: skip
    assert result.code == 0, result.err
    _expect_untouched(tmp_path / "kept", rows)

    # Split files by row, so that patients leak; `fix` moves whole patients.
    train = _write(tmp_path / "train.csv", rows[::2])
    test = _write(tmp_path / "test.csv", rows[1::2])
    result = run("fix", f"train={train}", f"test={test}", *OPTIONS, "--out", tmp_path / "fixed")
    assert result.code in (0, 1), result.err
    _expect_untouched(tmp_path / "fixed", rows)


def test_parquet_columns_keep_their_arrow_types(run: Callable[..., Any], tmp_path: Path) -> None:
    n = 40
    source = pa.table(
        {
            "id": [f"{i:04d}" for i in range(n)],
            "patient": [i % 10 for i in range(n)],
            "score": pa.array([i / 3 if i % 5 else None for i in range(n)], pa.float32()),
            "tags": [["x", "y"][: i % 3] for i in range(n)],
            "when": pa.array(list(range(n)), pa.timestamp("ms")),
            "lab": ["a|b", "a", "b", "c"] * (n // 4),
        }
    )
    pq.write_table(source, tmp_path / "t.parquet")
    result = run("split", tmp_path / "t.parquet", "--labels", "lab", "--sep", "|",
                 "--id", "id", "--group", "patient", "--fractions", "train=0.5,test=0.5",
                 "--out", tmp_path / "out")  # fmt: skip
    assert result.code == 0, result.err
    parts = [pq.read_table(p) for p in sorted((tmp_path / "out").glob("*.parquet"))]
    for part in parts:
        assert part.schema.remove(part.schema.get_field_index("split")) == source.schema
    written = pa.concat_tables(parts).drop_columns(["split"]).sort_by("id")
    assert written.equals(source)


def test_missing_key_spellings_are_written_as_read(run: Callable[..., Any], tmp_path: Path) -> None:
    # `None`, `NA`, `NaN` in the group column are missing keys for the rules (each its own
    # group, reported by SG104), yet the split files hold the cells as they were read.
    rows = _rows(40)
    for i, spelling in enumerate(["None", "NA", "NaN", " null "]):
        rows[i][1] = spelling
    part = ["train", "test"]
    with (tmp_path / "t.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "part"])
        writer.writerows([*row, part[i % 2]] for i, row in enumerate(rows))
    result = run("fix", tmp_path / "t.csv", "--split-col", "part", *OPTIONS,
                 "--out", tmp_path / "fixed")  # fmt: skip
    assert result.code in (0, 1), result.err
    _expect_untouched(tmp_path / "fixed", rows)
