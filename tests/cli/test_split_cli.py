"""`splitguard split`, end to end on NIH: files, invariants, determinism, refusals."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

NIH_ARGS = (
    "--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
    "--id", "Image Index", "--group", "Patient ID",
)  # fmt: skip
SPLITS = ("train", "val", "test")


def _read_splits(out: Path, names: tuple[str, ...] = SPLITS) -> dict[str, pa.Table]:
    return {name: pq.read_table(out / f"{name}.parquet") for name in names}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def nih_split(tmp_path_factory: pytest.TempPathFactory, nih_path: Path) -> Path:
    from splitguard.cli.main import main

    out = tmp_path_factory.mktemp("split") / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["split", str(nih_path), *NIH_ARGS, "--min-positives", "val=20,test=20",
              "--out", str(out)])  # fmt: skip
    assert exit_.value.code == 0
    return out


def test_every_row_once_and_no_patient_in_two_splits(nih_split: Path, nih_path: Path) -> None:
    tables = _read_splits(nih_split)
    assert sum(t.num_rows for t in tables.values()) == 112_120
    ids = np.concatenate([np.asarray(t.column("Image Index").to_pylist()) for t in tables.values()])
    assert len(np.unique(ids)) == 112_120
    patients = [set(t.column("Patient ID").to_pylist()) for t in tables.values()]
    assert not (patients[0] & patients[1] or patients[0] & patients[2] or patients[1] & patients[2])
    for name, table in tables.items():
        assert set(table.column("split").to_pylist()) == {name}
        assert table.column_names[-1] == "split"


def test_rows_are_untouched(nih_split: Path, nih_path: Path) -> None:
    import pyarrow.csv as pacsv

    # Every cell as the text it is in the CSV file: the split files hold it so.
    names = pacsv.read_csv(nih_path).column_names
    text = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    original = pacsv.read_csv(nih_path, convert_options=text)
    test = _read_splits(nih_split)["test"]
    row = test.slice(0, 1).to_pylist()[0]
    match = original.filter(pa.compute.equal(original.column("Image Index"), row["Image Index"]))
    expected = match.to_pylist()[0]
    assert {k: row[k] for k in expected} == expected


def test_report_and_manifest(nih_split: Path, nih_path: Path) -> None:
    report = json.loads((nih_split / "report.json").read_text())
    assert report["version"] == 1 and report["command"] == "split"
    assert [s["name"] for s in report["splits"]] == list(SPLITS)
    assert report["quality"]["leaked_groups"] == 0
    minimum = min(c["positives"] for c in report["coverage"] if c["split"] in ("val", "test"))
    assert minimum >= 20
    assert report["shortfalls"] == []
    manifest = json.loads((nih_split / "manifest.json").read_text())
    assert manifest["inputs"][0]["sha256"] == _digest(nih_path)
    for output in manifest["outputs"]:
        assert output["sha256"] == _digest(nih_split / output["path"])


def test_same_seed_gives_identical_bytes(
    nih_split: Path, nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    again = tmp_path / "again"
    result = run("split", nih_path, *NIH_ARGS, "--min-positives", "val=20,test=20",
                 "--out", again)  # fmt: skip
    assert result.code == 0, result.err
    for name in (*[f"{s}.parquet" for s in SPLITS], "report.json"):
        assert _digest(again / name) == _digest(nih_split / name), name


def test_row_order_does_not_change_the_assignment(
    nih_split: Path, nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(nih_path, convert_options=pacsv.ConvertOptions(
        column_types={"Patient ID": pa.string()}))  # fmt: skip
    shuffled = table.take(pa.array(np.random.default_rng(7).permutation(table.num_rows)))
    pq.write_table(shuffled, tmp_path / "shuffled.parquet")
    result = run("split", tmp_path / "shuffled.parquet", *NIH_ARGS,
                 "--min-positives", "val=20,test=20", "--out", tmp_path / "out")  # fmt: skip
    assert result.code == 0, result.err
    for name, table in _read_splits(nih_split).items():
        again = pq.read_table(tmp_path / "out" / f"{name}.parquet")
        assert sorted(again.column("Image Index").to_pylist()) == sorted(
            table.column("Image Index").to_pylist()
        )


def test_folds(nih_path: Path, tmp_path: Path, run: Callable[..., Any]) -> None:
    result = run("split", nih_path, *NIH_ARGS, "--folds", "5", "--out", tmp_path / "folds")
    assert result.code == 0, result.err
    folds = _read_splits(tmp_path / "folds", tuple(f"fold-{k}" for k in range(1, 6)))
    assert sum(t.num_rows for t in folds.values()) == 112_120
    assert all(t.column_names[-1] == "fold" for t in folds.values())
    sizes = [t.num_rows for t in folds.values()]
    assert max(sizes) - min(sizes) <= 0.002 * 112_120


def test_existing_out_needs_force_and_input_is_never_written(
    nih_split: Path, nih_path: Path, run: Callable[..., Any]
) -> None:
    before = _digest(nih_path)
    result = run("split", nih_path, *NIH_ARGS, "--out", nih_split)
    assert result.code == 2
    assert "--force" in result.err
    assert _digest(nih_path) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--fractions", "train=0.8,val=0.1,test=0.2"), "adds up to 1.1"),
        (("--fractions", "train=0.8,train=0.2"), "twice"),
        (("--min-positives", "test=-3"), "0 or more"),
        (("--min-positives", "holdout=3"), "'holdout'"),
        (("--folds", "1"), "2 or more"),
    ],
)
def test_requests_that_make_no_sense_exit_2(
    extra: tuple[str, ...], message: str, nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    result = run("split", nih_path, *NIH_ARGS, *extra, "--out", tmp_path / "out")
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


def test_missing_out_is_exit_2(nih_path: Path, run: Callable[..., Any]) -> None:
    result = run("split", nih_path, *NIH_ARGS)
    assert result.code == 2 and "--out" in result.err


def test_unreachable_minimum_is_reported(
    nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    result = run("split", nih_path, *NIH_ARGS, "--min-positives", "test=300",
                 "--out", tmp_path / "out", "--fail-on", "warning")  # fmt: skip
    assert result.code == 1
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    hernia = [s for s in report["shortfalls"] if s["class"] == "Hernia"]
    assert hernia and hernia[0]["split"] == "test" and hernia[0]["target"] == 300


def test_keep_freezes_an_earlier_split(
    nih_split: Path, nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    result = run("split", nih_path, *NIH_ARGS, "--keep", nih_split, "--seed", "9",
                 "--out", tmp_path / "kept")  # fmt: skip
    assert result.code == 0, result.err
    for name, table in _read_splits(nih_split).items():
        kept = pq.read_table(tmp_path / "kept" / f"{name}.parquet")
        assert kept.column("Image Index").to_pylist() == table.column("Image Index").to_pylist()
    report = json.loads((tmp_path / "kept" / "report.json").read_text())
    assert report["keep"]["kept_groups"] == 30_805
    assert sum(report["keep"]["new_groups"].values()) == 0
