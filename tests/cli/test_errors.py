"""Every bad input: exit 2, a message naming what is wrong and what to do, no traceback."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from splitguard.core.errors import EXIT_ERROR

LABELS = ("--labels", "lab", "--sep", "|", "--id", "id")
_GZIP = gzip.compress(b"id,lab\n" + b"".join(b"%d,a\n" % i for i in range(50_000)))
TRUNCATED_GZIP = _GZIP[: len(_GZIP) // 2]


def make(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


CASES: list[tuple[str, Callable[[Path], list[Any]], list[str]]] = [
    ("missing file", lambda t: [t / "nope.csv", *LABELS], ["nope.csv", "no such file"]),
    ("empty file", lambda t: [make(t, "e.csv", ""), *LABELS], ["e.csv", "empty"]),
    (
        "header only",
        lambda t: [make(t, "h.csv", "id,lab\n"), *LABELS],
        ["h.csv", "header but no rows"],
    ),
    (
        "not a CSV",
        lambda t: [make(t, "b.csv", bytes(range(128, 256))), *LABELS],
        ["b.csv", "not a readable"],
    ),
    (
        "not Parquet",
        lambda t: [make(t, "t.parquet", "id,lab\n1,a\n"), *LABELS],
        ["t.parquet", "not a readable Parquet file"],
    ),
    (
        "corrupt gzip",
        lambda t: [make(t, "t.csv.gz", TRUNCATED_GZIP), *LABELS],
        ["t.csv.gz", "not a readable"],
    ),
    (
        "directory given for a file",
        lambda t: [t, *LABELS],
        [" no Parquet files", "Give a file"],
    ),
    (
        "missing column",
        lambda t: [make(t, "t.csv", "id,Finding Labels\n1,a\n"), "--labels", "Finding Label"],
        ["t.csv", "no column 'Finding Label' for --labels", "did you mean 'Finding Labels'"],
    ),
    (
        "list cell that does not parse",
        lambda t: [make(t, "t.csv", "id,lab\n1,\"['a']\"\n2,\"['a', 'b'\"\n"), "--labels", "lab"],
        ["t.csv, row 2", "column 'lab'", "['a', 'b'", "does not parse"],
    ),
    (
        "unknown policy value",
        lambda t: [make(t, "t.csv", "id,A\n1,1\n"), "--label-cols", "A", "--uncertain", "maybe"],
        ["--uncertain", "'maybe'", "negative, positive, error"],
    ),
    (
        "uncertain label without a policy",
        lambda t: [make(t, "t.csv", "id,A\n1,1\n2,-1\n"), "--label-cols", "A"],
        ["t.csv, row 2", "column 'A'", "--uncertain negative"],
    ),
    (
        "blank label without a policy",
        lambda t: [make(t, "t.csv", "id,A,B\n1,1,0\n2,,1\n"), "--label-cols", "A,B"],
        ["t.csv, row 2", "column 'A'", "--blank negative"],
    ),
    (
        "no label option",
        lambda t: [make(t, "t.csv", "id,A\n1,1\n")],
        ["exactly one of --labels"],
    ),
    (
        "latin-1 bytes",
        lambda t: [make(t, "l.csv", b"id,lab\n1,a\n2,caf\xe9\n"), *LABELS],
        ["l.csv, line 3, column 'lab'", "\\xe9", "--encoding latin-1"],
    ),
    (
        "ragged row",
        lambda t: [make(t, "r.csv", "id,lab\n1,a\n2,a,b\n"), *LABELS],
        ["r.csv, row 2", "3 fields", "2 columns"],
    ),
    (
        "unknown encoding",
        lambda t: [make(t, "t.csv", "id,lab\n1,a\n"), *LABELS, "--encoding", "klingon"],
        ["--encoding 'klingon'", "latin-1"],
    ),
    (
        "an id column as labels",
        lambda t: [
            make(t, "t.csv", "id\n" + "".join(f"{i}\n" for i in range(3000))),
            "--labels",
            "id",
        ],
        ["column 'id' holds 3,000 distinct labels in 3,000 rows", "--id 'id'"],
    ),
    ("no input", lambda t: ["--labels", "lab"], ["give an input table"]),
    (
        "weights written to a directory",
        lambda t: [make(t, "t.csv", "id,lab\n1,a\n"), *LABELS, "--weights-out", t],
        ["a directory, not a file"],
    ),
    (
        "unknown option",
        lambda t: [make(t, "t.csv", "id,lab\n1,a\n"), *LABELS, "--lables", "x"],
        ["No such option", "--lables"],
    ),
]


@pytest.mark.parametrize(("case", "argv", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_with_a_clear_message(
    run: Callable[..., Any],
    in_folder: Path,
    case: str,
    argv: Callable[[Path], list[Any]],
    fragments: list[str],
) -> None:
    result = run("stats", *argv(in_folder))
    assert result.code == EXIT_ERROR, result
    assert "Traceback" not in result.err and "internal error" not in result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)
    assert result.out == ""


def test_unreadable_file(run: Callable[..., Any], tmp_path: Path) -> None:
    path = make(tmp_path, "t.csv", "id,lab\n1,a\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read any file")
        result = run("stats", path, *LABELS)
    finally:
        path.chmod(0o644)
    assert result.code == EXIT_ERROR
    assert "cannot be read" in result.err and "permissions" in result.err


def test_bad_config_file_exits_2(run: Callable[..., Any], in_folder: Path) -> None:
    make(in_folder, "t.csv", "id,lab\n1,a\n")
    config = make(in_folder, "pyproject.toml", '[tool.splitguard]\nblank = "positive"\n')
    result = run("stats", "t.csv", *LABELS)
    assert result.code == EXIT_ERROR
    assert str(config) in result.err and "'blank'" in result.err and "negative, error" in result.err


def test_stats_format_from_config_must_be_a_stats_format(
    run: Callable[..., Any], in_folder: Path
) -> None:
    make(in_folder, "t.csv", "id,lab\n1,a\n")
    make(in_folder, "splitguard.toml", 'format = "sarif"\n')
    result = run("stats", "t.csv", *LABELS)
    assert result.code == EXIT_ERROR and "text or json" in result.err


def _cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "splitguard", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_subprocess_missing_file_exits_2_without_traceback(tmp_path: Path) -> None:
    done = _cli("stats", "nope.csv", *LABELS, cwd=tmp_path)
    assert done.returncode == EXIT_ERROR
    assert done.stderr.startswith("splitguard: error: nope.csv: no such file")
    assert "Traceback" not in done.stderr


def test_subprocess_bad_list_cell_and_debug_traceback(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": ["1", "2"], "lab": ["['a']", "['a',"]}), tmp_path / "t.parquet")
    done = _cli("stats", "t.parquet", "--labels", "lab", cwd=tmp_path)
    assert done.returncode == EXIT_ERROR
    assert "t.parquet, row 2: column 'lab'" in done.stderr and "Traceback" not in done.stderr
    debug = _cli("--debug", "stats", "t.parquet", "--labels", "lab", cwd=tmp_path)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_subprocess_usage_error_exits_2(tmp_path: Path) -> None:
    done = _cli("stats", "t.csv", "--format", "yaml", cwd=tmp_path)
    assert done.returncode == EXIT_ERROR
    assert "'yaml' is not one of" in done.stderr and "Traceback" not in done.stderr


def test_encoding_from_the_command_line_or_the_config(
    run: Callable[..., Any], in_folder: Path
) -> None:
    make(in_folder, "t.csv", "id,lab\n1,Zürich\n2,São Paulo\n".encode("latin-1"))
    result = run("stats", "t.csv", *LABELS, "--encoding", "latin-1", "--format", "json")
    assert result.code == 0, result.err
    assert [c["name"] for c in json.loads(result.out)["labels"]] == ["São Paulo", "Zürich"]
    make(in_folder, "splitguard.toml", 'encoding = "latin-1"\n')
    result = run("stats", "t.csv", *LABELS, "--format", "json")
    assert result.code == 0, result.err
    assert [c["name"] for c in json.loads(result.out)["labels"]] == ["São Paulo", "Zürich"]


def test_a_ten_megabyte_cell(run: Callable[..., Any], in_folder: Path) -> None:
    make(in_folder, "t.csv", f"id,lab,note\n1,a,x\n2,b,{'y' * (10 << 20)}\n")
    result = run("stats", "t.csv", *LABELS)
    assert result.code == 0, result.err


@pytest.mark.parametrize("name", ["\x1b[2J", "a\rb", "\x9b31m"])
def test_control_characters_in_an_error_are_escaped(
    run: Callable[..., Any], tiny_csv: Callable[[str, str], Path], name: str
) -> None:
    table = tiny_csv("t.csv", "id,lab\n1,a\n2,a\n")
    # The split name reaches the message of the bad value as it was given.
    result = run("check", table, *LABELS, "--min-positive-groups", f"{name}=x")
    assert result.code == EXIT_ERROR
    assert name not in result.err
    assert repr(name)[1:-1] in result.err
