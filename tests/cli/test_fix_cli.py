"""`splitguard fix`: a leaky random row split of NIH, repaired keeping the splits' sizes."""

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


def _fix(leaky: Path, out: Path, *extra: str) -> Path:
    """Run `splitguard fix` on the leaky split; the output folder (the run must exit 0)."""
    from splitguard.cli.main import main

    try:
        code = main(["fix", *_inputs(leaky), *NIH_ARGS, *extra, "--out", str(out)])
    except SystemExit as exc:
        code = exc.code
    assert not code, f"fix exited {code}"
    return out


@pytest.fixture(scope="module")
def balanced(leaky: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("balanced") / "fixed"
    return _fix(leaky, out, "--min-positives", "val=20,test=20")


def _report(folder: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((folder / "report.json").read_text())
    return report


def _patients_in_two_splits(folder: Path) -> set[str]:
    patients = _patients(folder)
    return (patients[0] & patients[1]) | (patients[0] & patients[2]) | (patients[1] & patients[2])


def _patients(folder: Path) -> list[set[str]]:
    return [
        set(pq.read_table(folder / f"{n}.parquet").column("Patient ID").to_pylist()) for n in SPLITS
    ]


def test_fix_keeps_every_split_within_a_point_of_its_input_share(
    leaky: Path, balanced: Path
) -> None:
    rows_in = {n: pq.read_metadata(leaky / f"{n}.parquet").num_rows for n in SPLITS}
    rows_out = {n: pq.read_metadata(balanced / f"{n}.parquet").num_rows for n in SPLITS}
    assert sum(rows_out.values()) == sum(rows_in.values()) == 112_120
    for name in SPLITS:
        assert abs(rows_out[name] - rows_in[name]) <= 0.01 * 112_120, (name, rows_in, rows_out)
    summary = _report(balanced)["moves_summary"]
    assert summary["mode"] == "balanced"
    assert summary["sizes_before"] == rows_in
    assert summary["sizes_after"] == rows_out
    assert summary["sizes_within_tolerance"] is True


def test_fix_removes_every_leak_and_meets_the_minimums(balanced: Path) -> None:
    assert _patients_in_two_splits(balanced) == set()
    report = _report(balanced)
    summary = report["moves_summary"]
    assert summary["lower_bound_rows"] > 10_000
    assert summary["lower_bound_rows"] <= summary["rows"] <= 1.5 * summary["lower_bound_rows"]
    assert summary["rows"] == sum(move["rows"] for move in report["moves"])
    assert report["quality"]["leaked_groups"] == 0
    assert report["shortfalls"] == []
    before = {f["code"] for f in report["findings_before"]}
    after = {f["code"] for f in report["findings_after"]}
    assert before - after, "the leak findings of the input are gone from the result"


def _split_of_rows(folder: Path) -> dict[str, tuple[str, str]]:
    """Every image: its split and its patient."""
    out = {}
    for name in SPLITS:
        table = pq.read_table(folder / f"{name}.parquet", columns=["Image Index", "Patient ID"])
        images, patients = (table.column(c).to_pylist() for c in ("Image Index", "Patient ID"))
        out.update(
            {image: (name, patient) for image, patient in zip(images, patients, strict=True)}
        )
    return out


def test_rows_of_groups_not_moved_keep_their_split(leaky: Path, balanced: Path) -> None:
    moved = {move["group"] for move in _report(balanced)["moves"]}
    before, after = _split_of_rows(leaky), _split_of_rows(balanced)
    assert before.keys() == after.keys()
    changed = {image for image in before if before[image][0] != after[image][0]}
    assert changed
    assert {after[image][1] for image in changed} <= moved
    assert all(before[image] == after[image] for image in before if after[image][1] not in moved)


def test_fix_on_clean_splits_moves_nothing(
    balanced: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    again = run("fix", *_inputs(balanced), *NIH_ARGS, "--out", tmp_path / "twice")
    assert again.code == 0, again.err
    report = _report(tmp_path / "twice")
    assert report["moves"] == []
    assert report["moves_summary"]["sizes_after"] == report["moves_summary"]["sizes_before"]


def test_fix_needs_splits(nih_path: Path, tmp_path: Path, run: Callable[..., Any]) -> None:
    result = run("fix", nih_path, *NIH_ARGS, "--out", tmp_path / "out")
    assert result.code == 2
    assert "existing splits" in result.err


def test_fewest_moves_moves_only_leaked_groups_and_says_sizes_drifted(
    leaky: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    result = run("fix", *_inputs(leaky), *NIH_ARGS, "--fewest-moves", "--hide-ids",
                 "--out", tmp_path / "out")  # fmt: skip
    assert result.code == 0, result.err
    report = _report(tmp_path / "out")
    summary = report["moves_summary"]
    assert summary["mode"] == "fewest-moves"
    assert summary["rows"] == summary["lower_bound_rows"]
    assert summary["sizes_after"]["val"] < 0.05 * 112_120
    assert summary["sizes_within_tolerance"] is False
    assert _patients_in_two_splits(tmp_path / "out") == set()
    text = " ".join(result.out.split())
    assert "fewest moves, split sizes not kept" in text
    val_before, val_after = summary["sizes_before"]["val"], summary["sizes_after"]["val"]
    assert f"val {val_before:,} -> {val_after:,} rows" in text
    assert report["moves"] and {m["group"] for m in report["moves"]} == {"<hidden>"}
    for finding in report["findings_before"]:
        assert set(finding["location"]["row_ids"]) <= {"<hidden>"}


def test_fewest_moves_is_a_config_key(run: Callable[..., Any], in_folder: Path) -> None:
    # Patient p1 has two rows in train and one in test: fewest moves sends it to train.
    rows = "id,label,patient,split\n" + "".join(
        f"{i},{label},{patient},{split}\n"
        for i, (label, patient, split) in enumerate(
            [("a", "p1", "train"), ("b", "p1", "train"), ("a", "p1", "test")]
            + [("a", f"q{i}", "train") for i in range(6)]
            + [("b", f"t{i}", "test") for i in range(3)]
        )
    )
    (in_folder / "table.csv").write_text(rows)
    (in_folder / "splitguard.toml").write_text("fewest-moves = true\n")
    args = ("fix", "table.csv", "--split-col", "split", "--labels", "label", "--sep", "|",
            "--id", "id", "--group", "patient")  # fmt: skip
    result = run(*args, "--out", "fewest")
    assert result.code in (0, 1), result.err  # the tiny table's own findings may fail it
    summary = _report(in_folder / "fewest")["moves_summary"]
    assert summary["mode"] == "fewest-moves"
    assert summary["rows"] == summary["lower_bound_rows"] == 1


def test_fix_takes_the_seeds_rule_as_a_percent_aimed_at_rare_classes(
    leaky: Path, tmp_path: Path
) -> None:
    # At least half of every rare class (under 1% of rows: Hernia) in test, train keeps
    # its 40% floor, sizes stay within a point, and the drift that was asked for is not
    # reported as drift (SG304): the run is clean.
    out = _fix(leaky, tmp_path / "fixed", "--min-positives", "test=50%", "--min-classes", "rare")
    report = _report(out)
    hernia = {
        entry["split"]: entry["positives"]
        for entry in report["coverage"]
        if entry["class"] == "Hernia"
    }
    total = sum(hernia.values())
    assert hernia["test"] >= total / 2
    assert hernia["train"] >= 0.4 * total
    assert report["moves_summary"]["sizes_within_tolerance"]
    assert report["request"]["min_classes"] == ["rare"]
    assert not report["shortfalls"]
    assert not [f for f in report["findings_after"] if f["code"] in ("SG304", "SG306")]
