"""`splitguard split`, end to end on NIH: files, invariants, determinism, refusals."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
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
# Runs `splitguard ARGS` in a fresh interpreter, then prints the scipy modules it loaded.
SCIPY_PROBE = """
import sys
from splitguard.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exit_:
    assert exit_.code == 0, exit_.code
print(sorted(name for name in sys.modules if name.split(".")[0] == "scipy"))
"""


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
        (("--min-positives", "test=150%"), "a percent above 0 and at most 100"),
        (("--min-positives", "test=lots%"), "not 'lots%'"),
        (("--train-floor", "1.5"), "from 0 to 1"),
        (("--folds", "1"), "2 or more"),
        (("--min-positives", "test=20", "--min-positives", "test=25"), "'test' twice"),
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
                 "--out", tmp_path / "out")  # fmt: skip
    assert result.code == 1
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    hernia = [s for s in report["shortfalls"] if s["class"] == "Hernia"]
    assert hernia and hernia[0]["split"] == "test" and hernia[0]["target"] == 300


def _sizes_and_train_share(report: dict[str, Any]) -> tuple[list[float], float]:
    """Each split's share of the rows, and train's smallest share of a class's positives."""
    rows = report["input"]["rows"]
    totals: dict[str, int] = {}
    in_train: dict[str, int] = {}
    for entry in report["coverage"]:
        totals[entry["class"]] = totals.get(entry["class"], 0) + entry["positives"]
        if entry["split"] == "train":
            in_train[entry["class"]] = entry["positives"]
    sizes = [split["rows"] / rows for split in report["splits"]]
    return sizes, min(in_train[name] / totals[name] for name in totals)


@pytest.mark.parametrize(
    "extra",
    [
        ("--min-prevalence", "test=0.02"),
        ("--min-prevalence", "test=0.5"),
        ("--min-positives", "test=20000"),
    ],
    ids=["prevalence-2%", "prevalence-50%", "positives-20000"],
)
def test_an_unmet_minimum_fails_the_run_and_keeps_sizes_and_train(
    extra: tuple[str, ...], nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    # Before: exit 0, with train keeping 1 of 227 Hernia positives (2%), test grown to
    # 32% of the rows (50%), or train shrunk to 62% (20,000).
    result = run("split", nih_path, *NIH_ARGS, *extra, "--out", tmp_path / "out")
    assert result.code == 1
    assert "warning: cannot be met: Hernia" in result.err
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    sizes, train_share = _sizes_and_train_share(report)
    assert max(abs(size - f) for size, f in zip(sizes, (0.8, 0.1, 0.1), strict=True)) <= 0.01
    assert train_share >= 0.4
    unmet = [f for f in report["findings_after"] if f["code"] == "SG306"]
    assert unmet and all(f["severity"] == "error" for f in unmet)
    assert len(unmet) == len(report["shortfalls"])
    hernia = next(f["message"] for f in unmet if f["location"]["label"] == "Hernia")
    assert "the data has 227 positive rows in 134 groups" in hernia


def test_the_report_says_what_the_numbers_say(
    nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    # Before: "Every class has positives in every split, and at least its minimum."
    run("split", nih_path, *NIH_ARGS, "--min-prevalence", "test=0.02", "--out", tmp_path / "o")
    html = (tmp_path / "o" / "report.html").read_text()
    assert "Every class has positives in every split, and at least its minimum." not in html
    assert "1 minimum asked not met: Hernia in test (min-prevalence 0.012 reached of 0.02)" in html
    assert "the lowest it holds is 40.1%, of Hernia" in html


def test_half_of_each_rare_class_in_test(
    nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    result = run("split", nih_path, *NIH_ARGS, "--min-positives", "test=50%",
                 "--min-classes", "rare", "--out", tmp_path / "out")  # fmt: skip
    assert result.code == 0, result.err
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    sizes, train_share = _sizes_and_train_share(report)
    assert max(abs(size - f) for size, f in zip(sizes, (0.8, 0.1, 0.1), strict=True)) <= 0.01
    hernia = {e["split"]: e for e in report["coverage"] if e["class"] == "Hernia"}
    assert hernia["test"]["minimum"] == 114
    assert hernia["test"]["positives"] >= 114
    others = [e for e in report["coverage"] if e["class"] != "Hernia" and e["split"] == "test"]
    assert all(e["minimum"] == 0 for e in others)
    assert report["request"]["min_positives"] == {"test": "50%"}
    assert report["request"]["min_classes"] == ["rare"]
    assert report["shortfalls"] == []
    assert train_share >= 0.4


def test_the_train_floor_and_classes_come_from_the_config(
    nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    config = tmp_path / "splitguard.toml"
    config.write_text(
        'min-positives = { test = "50%" }\nmin-classes = ["Hernia"]\ntrain-floor = 0.6\n'
    )
    result = run("split", nih_path, *NIH_ARGS, "--config", config, "--out", tmp_path / "out")
    assert result.code == 1
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["request"]["train_floor"] == 0.6
    assert report["train_floor"]["lowest_share"] >= 0.6
    [shortfall] = report["shortfalls"]
    assert shortfall["class"] == "Hernia" and shortfall["target"] == 114


def test_an_unknown_min_class_exits_2(
    nih_path: Path, tmp_path: Path, run: Callable[..., Any]
) -> None:
    result = run("split", nih_path, *NIH_ARGS, "--min-positives", "test=5",
                 "--min-classes", "Hernai", "--out", tmp_path / "out")  # fmt: skip
    assert result.code == 2
    assert "--min-classes names 'Hernai', which is not a class (did you mean 'Hernia'?)" in (
        result.err
    )


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


def test_split_never_imports_scipy(tiny_csv: Callable[[str, str], Path], tmp_path: Path) -> None:
    # Importing scipy.sparse costs a run about 0.15 s: labels, their group counts, pairs
    # and metrics are read from the frame's numpy CSR.
    rng = np.random.default_rng(0)
    names = [f"tag{k}" for k in range(8)]
    rows = [
        f"r{i},p{i // 3},{'|'.join(rng.choice(names, size=1 + i % 3, replace=False))}"
        for i in range(600)
    ]
    table = tiny_csv("tags.csv", "\n".join(["id,patient,tags", *rows, ""]))
    out = tmp_path / "out"
    args = ["split", str(table), "--labels", "tags", "--sep", "|", "--id", "id",
            "--group", "patient", "--out", str(out), "-q"]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", SCIPY_PROBE, *args], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"
    report = json.loads((out / "report.json").read_text())
    assert report["quality"]["LPD"] > 0
