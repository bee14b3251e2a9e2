"""`splitguard fix`: a leaky random row split of NIH, repaired with the fewest moves."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

NIH_ARGS = (
    "--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
    "--id", "Image Index", "--group", "Patient ID",
)  # fmt: skip
SPLITS = ("train", "val", "test")


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory, nih_path: Path) -> Path:
    """NIH split by rows at random, 80/10/10: thousands of patients in two splits."""
    folder = tmp_path_factory.mktemp("leaky")
    table = pacsv.read_csv(
        nih_path, convert_options=pacsv.ConvertOptions(column_types={"Patient ID": pa.string()})
    )
    draw = np.random.default_rng(0).random(table.num_rows)
    masks = (draw < 0.8, (draw >= 0.8) & (draw < 0.9), draw >= 0.9)
    for name, mask in zip(SPLITS, masks, strict=True):
        pq.write_table(table.filter(pa.array(mask)), folder / f"{name}.parquet")
    return folder


def _inputs(folder: Path) -> list[str]:
    return [f"{name}={folder / f'{name}.parquet'}" for name in SPLITS]


def test_fix_removes_every_leak_with_near_minimal_moves(
    leaky: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    result = run("fix", *_inputs(leaky), *NIH_ARGS, "--min-positives", "val=20,test=20",
                 "--out", tmp_path / "fixed")  # fmt: skip
    assert result.code == 0, result.err
    tables = [pq.read_table(tmp_path / "fixed" / f"{name}.parquet") for name in SPLITS]
    assert sum(t.num_rows for t in tables) == 112_120
    patients = [set(t.column("Patient ID").to_pylist()) for t in tables]
    assert not (patients[0] & patients[1] or patients[0] & patients[2] or patients[1] & patients[2])
    report = json.loads((tmp_path / "fixed" / "report.json").read_text())
    summary = report["moves_summary"]
    assert summary["lower_bound_rows"] > 10_000
    assert summary["lower_bound_rows"] <= summary["rows"] <= 1.05 * summary["lower_bound_rows"]
    assert summary["rows"] == sum(move["rows"] for move in report["moves"])
    assert report["quality"]["leaked_groups"] == 0
    before = {f["code"] for f in report["findings_before"]}
    after = {f["code"] for f in report["findings_after"]}
    assert before - after, "the leak findings of the input are gone from the result"


def test_fix_on_clean_splits_moves_nothing(
    leaky: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    first = run("fix", *_inputs(leaky), *NIH_ARGS, "--out", tmp_path / "once")
    assert first.code == 0, first.err
    again = run("fix", *_inputs(tmp_path / "once"), *NIH_ARGS, "--out", tmp_path / "twice")
    assert again.code == 0, again.err
    report = json.loads((tmp_path / "twice" / "report.json").read_text())
    assert report["moves"] == []


def test_fix_needs_splits(nih_path: Path, tmp_path: Path, run: Callable[..., Any]) -> None:
    result = run("fix", nih_path, *NIH_ARGS, "--out", tmp_path / "out")
    assert result.code == 2
    assert "existing splits" in result.err


def test_hide_ids_masks_moved_patients(
    leaky: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    result = run("fix", *_inputs(leaky), *NIH_ARGS, "--hide-ids", "--out", tmp_path / "out")
    assert result.code == 0, result.err
    text = (tmp_path / "out" / "report.json").read_text()
    report = json.loads(text)
    assert report["moves"] and {m["group"] for m in report["moves"]} == {"<hidden>"}
    for finding in report["findings_before"]:
        assert set(finding["location"]["row_ids"]) <= {"<hidden>"}
