"""User errors that once reached "internal error": each is exit 2 with a short, clear message.

Config files, baseline files and split requests the data cannot hold; every message
names the file (or option) and the value, and says what to do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from splitguard.core.errors import EXIT_ERROR

LABELS = ("--labels", "lab", "--sep", "|", "--id", "id", "--group", "pat")
TABLE = "id,lab,pat\n" + "".join(f"{i},{'ab'[i % 2]},p{i % 10}\n" for i in range(40))


def _table(folder: Path) -> Path:
    path = folder / "t.csv"
    path.write_text(TABLE)
    return path


def _assert_clear(result: Any, *fragments: str, longest: int = 400) -> None:
    assert result.code == EXIT_ERROR, result
    assert "internal error" not in result.err and "Traceback" not in result.err, result.err
    assert len(result.err) < longest, result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


CONFIGS: list[tuple[str, str, bytes, list[str]]] = [
    (
        "binary splitguard.toml",
        "splitguard.toml",
        bytes(range(256)),
        ["splitguard.toml", "not a TOML text file", "not UTF-8", "UTF-8 TOML"],
    ),
    (
        "latin-1 pyproject.toml",
        "pyproject.toml",
        "[tool.splitguard]\nnone = 'Ø'\n".encode("latin-1"),
        ["pyproject.toml", "byte 0xd8 at offset 26", "UTF-8 TOML"],
    ),
    (
        "pyproject.toml whose tool is a string",
        "pyproject.toml",
        b'tool = "splitguard"\n',
        ["pyproject.toml", "'tool' must be a table", "[tool.splitguard]"],
    ),
    (
        "an infinite seed",
        "splitguard.toml",
        b"seed = inf\n",
        ["splitguard.toml", "key 'seed' takes a whole number, not inf"],
    ),
    (
        "splitguard.toml whose tool is a number",
        "splitguard.toml",
        b"tool = 5\n",
        ["splitguard.toml", "'tool' must be a table"],
    ),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "fragments"), CONFIGS, ids=[c[0] for c in CONFIGS]
)
def test_a_malformed_config_file_is_a_clear_error(
    run: Callable[..., Any],
    in_folder: Path,
    case: str,
    name: str,
    content: bytes,
    fragments: list[str],
) -> None:
    _table(in_folder)
    (in_folder / name).write_bytes(content)
    _assert_clear(run("stats", "t.csv", *LABELS), *fragments)


BASELINES: list[tuple[str, bytes, list[str]]] = [
    (
        "a finding without fingerprint",
        b'{"version": 1, "findings": [{"code": "SG201", "message": "m"}]}',
        ["b.json", "finding #1 has no 'fingerprint'", '"code": "SG201"', "--write-baseline"],
    ),
    (
        "a finding that is a number",
        b'{"version": 1, "findings": [{"fingerprint": "x"}, 5]}',
        ["b.json", "finding #2 has no 'fingerprint'", "(5)"],
    ),
    (
        "findings not a list",
        b'{"version": 1, "findings": {"fingerprint": "x"}}',
        ["b.json", "'findings' must be a list", "--write-baseline"],
    ),
    ("findings a number", b'{"version": 1, "findings": 5}', ["'findings' must be a list"]),
    ("not JSON", b"{version: 1", ["b.json", "not a readable baseline file", "--write-baseline"]),
    ("binary", bytes(range(256)), ["b.json", "not a readable baseline file"]),
    ("a list", b"[1, 2]", ["b.json", "not a splitguard baseline"]),
]


@pytest.mark.parametrize(("case", "content", "fragments"), BASELINES, ids=[c[0] for c in BASELINES])
def test_a_malformed_baseline_is_a_clear_error(
    run: Callable[..., Any], in_folder: Path, case: str, content: bytes, fragments: list[str]
) -> None:
    _table(in_folder)
    (in_folder / "b.json").write_bytes(content)
    _assert_clear(run("check", "t.csv", *LABELS, "--baseline", "b.json"), *fragments)


def test_a_long_fingerprint_less_finding_is_cut_in_the_message(
    run: Callable[..., Any], in_folder: Path
) -> None:
    _table(in_folder)
    entry = {"code": "SG201", "message": "x" * 10_000}
    (in_folder / "b.json").write_text(json.dumps({"version": 1, "findings": [entry]}))
    _assert_clear(run("check", "t.csv", *LABELS, "--baseline", "b.json"), '"code": "SG201"')


def test_more_folds_than_groups_says_how_many_the_data_allows(
    run: Callable[..., Any], in_folder: Path
) -> None:
    _table(in_folder)
    result = run("split", "t.csv", *LABELS, "--folds", "100000", "--out", "o")
    _assert_clear(result, "--folds 100000", "10 groups", "at most 10 splits", "--folds 10 or fewer")
    assert not (in_folder / "o").exists()


def test_an_astronomical_fold_count_fails_at_once(run: Callable[..., Any], in_folder: Path) -> None:
    _table(in_folder)
    folds = str(10**18)
    result = run(
        "split", "t.csv", *LABELS, "--folds", folds, "--min-positives", "fold-3=1", "--out", "o"
    )
    _assert_clear(result, "10 groups", "--folds 10 or fewer")


def test_a_minimum_for_a_fold_beyond_the_folds_lists_few_names(
    run: Callable[..., Any], in_folder: Path
) -> None:
    _table(in_folder)
    result = run(
        "split", "t.csv", *LABELS, "--folds", "5000", "--min-positives", "fold-0=1", "--out", "o"
    )
    _assert_clear(result, "'fold-0'", "fold-1, fold-2", "fold-5000")


@pytest.mark.parametrize("option", ["--min-positives", "--min-positive-groups"])
def test_a_minimum_beyond_64_bits_is_refused(
    run: Callable[..., Any], in_folder: Path, option: str
) -> None:
    _table(in_folder)
    result = run("split", "t.csv", *LABELS, option, f"test={10**23}", "--out", "o")
    _assert_clear(result, f"{option} test=", "up to 9,223,372,036,854,775,807", str(10**23))
    assert not (in_folder / "o").exists()
