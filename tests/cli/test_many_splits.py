"""Any number of splits the data allows: no overflow, no false leakage findings.

Split indices were int8: split 128 wrapped to -128 and rows of different splits were
counted as one (false SG201/SG202), and a split column with more than 127 values was
an internal error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

LABELS = ("--labels", "lab", "--sep", "|", "--id", "id", "--group", "pat")
ROWS_PER_SPLIT = 3


def _rows(n_splits: int) -> list[tuple[int, str, str, str]]:
    """ROWS_PER_SPLIT rows per split, every row its own patient: no leakage anywhere."""
    return [
        (i, "ab"[i % 2] if i % 3 else "a|b", f"p{i}", f"s{i // ROWS_PER_SPLIT:03d}")
        for i in range(n_splits * ROWS_PER_SPLIT)
    ]


def _codes(result: Any) -> set[str]:
    assert result.code in (0, 1), result
    return {finding["code"] for finding in json.loads(result.out)["findings"]}


@pytest.mark.parametrize("n_splits", [130, 300])
def test_a_split_column_with_many_values_has_no_false_leak(
    run: Callable[..., Any], tmp_path: Path, n_splits: int
) -> None:
    table = tmp_path / "t.csv"
    lines = ["id,lab,pat,part", *(",".join(map(str, row)) for row in _rows(n_splits))]
    table.write_text("\n".join(lines) + "\n")
    result = run("check", table, *LABELS, "--split-col", "part", "--format", "json")
    codes = _codes(result)
    assert not codes & {"SG201", "SG202", "SG203"}, codes
    leaky = tmp_path / "leaky.csv"
    # The same patient in the first and the last split: one true leak, named as such.
    leaky.write_text("\n".join([*lines, f"x,a,p0,s{n_splits - 1:03d}"]) + "\n")
    result = run("check", leaky, *LABELS, "--split-col", "part", "--format", "json")
    leaks = [f for f in json.loads(result.out)["findings"] if f["code"] == "SG201"]
    assert len(leaks) == 1 and f"s000 & s{n_splits - 1:03d} 1" in leaks[0]["message"], leaks


@pytest.mark.parametrize("n_splits", [130, 300])
def test_many_split_files_have_no_false_leak(
    run: Callable[..., Any], tmp_path: Path, n_splits: int
) -> None:
    inputs = []
    rows = _rows(n_splits)
    for split in range(n_splits):
        path = tmp_path / f"s{split:03d}.csv"
        chunk = rows[split * ROWS_PER_SPLIT : (split + 1) * ROWS_PER_SPLIT]
        path.write_text("id,lab,pat\n" + "".join(f"{i},{lab},{pat}\n" for i, lab, pat, _ in chunk))
        inputs.append(f"s{split:03d}={path}")
    codes = _codes(run("check", *inputs, *LABELS, "--format", "json"))
    assert not codes & {"SG201", "SG202", "SG203"}, codes


def test_split_builds_more_than_127_folds(run: Callable[..., Any], tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    rows = _rows(50)
    table.write_text("id,lab,pat\n" + "".join(f"{i},{lab},{pat}\n" for i, lab, pat, _ in rows))
    out = tmp_path / "out"
    result = run("split", table, *LABELS, "--folds", "130", "--out", out)
    assert result.code in (0, 1), result
    report = json.loads((out / "report.json").read_text())
    assert len(report["splits"]) == 130
    assert sum(split["rows"] for split in report["splits"]) == len(rows)
    assert not {f["code"] for f in report["findings_after"]} & {"SG201", "SG202"}


def test_a_leak_across_many_pairs_of_splits_names_a_few(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    table = tmp_path / "t.csv"
    # 40 splits of 3 rows; patient k has rows in splits k and k - 1 (mod 40): 40 pairs.
    rows = [(i, "a", f"p{(i // 3 + i % 2) % 40}", f"s{i // 3:03d}") for i in range(120)]
    table.write_text("id,lab,pat,part\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    result = run("check", table, *LABELS, "--split-col", "part", "--format", "json")
    (leak,) = [f for f in json.loads(result.out)["findings"] if f["code"] == "SG201"]
    assert "and 34 more pairs" in leak["message"] and len(leak["message"]) < 400, leak
