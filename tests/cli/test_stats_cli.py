"""`splitguard stats`: the JSON shape, the text table, --weights-out, config and splits."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

FIELDS = ["name", "positives", "negatives", "freq_pos", "freq_neg", "w_pos", "w_neg", "pos_weight"]


def test_json_on_nih(
    run: Callable[..., Any], nih_path: Path, nih_args: tuple[str, ...], tmp_path: Path
) -> None:
    weights = tmp_path / "weights.json"
    result = run("stats", nih_path, *nih_args, "--format", "json", "--weights-out", weights)
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["rows"] == 112_120 and payload["groups"] == 30_805
    assert payload["rows_per_group"] == {"min": 1, "median": 1.0, "max": 184}
    assert len(payload["labels"]) == 14
    hernia = next(label for label in payload["labels"] if label["name"] == "Hernia")
    assert list(hernia) == FIELDS
    assert hernia["positives"] == 227 and hernia["negatives"] == 112_120 - 227
    assert hernia["w_pos"] == hernia["freq_neg"] and hernia["w_neg"] == hernia["freq_pos"]
    written = json.loads(weights.read_text())
    assert written["classes"] == [label["name"] for label in payload["labels"]]
    assert written["pos_weight"] == [label["pos_weight"] for label in payload["labels"]]


def test_text_table(run: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,p,lab\n1,a,Mass|Nodule\n2,a,Mass\n3,b,No Finding\n")
    result = run("stats", path, "--labels", "lab", "--sep", "|", "--none", "No Finding",
                 "--group", "p")  # fmt: skip
    assert result.code == 0, result.err
    assert "3 rows, 2 groups" in result.out
    assert "Mass" in result.out and "Nodule" in result.out and "No Finding" not in result.out


def test_a_long_class_list_prints_its_ends_and_the_json_has_every_class(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    # Class k is on k + 1 rows: the rarest are c000..c014, the commonest c045..c059.
    rows = [f"r{k}-{i},c{k:03d}" for k in range(60) for i in range(k + 1)]
    path = tmp_path / "t.csv"
    path.write_text("id,lab\n" + "\n".join(rows) + "\n")
    result = run("stats", path, "--labels", "lab", "--id", "id")
    assert result.code == 0, result.err
    shown = [name for name in (f"c{k:03d}" for k in range(60)) if name in result.out]
    assert shown == [f"c{k:03d}" for k in (*range(15), *range(45, 60))]
    assert "... 30 classes in between: --format json and --weights-out have them all" in (
        " ".join(result.out.split())
    )
    payload = json.loads(
        run("stats", path, "--labels", "lab", "--id", "id", "--format", "json").out
    )
    assert len(payload["labels"]) == 60


def test_config_supplies_options_and_inputs_and_the_command_line_wins(
    run: Callable[..., Any], in_folder: Path
) -> None:
    data = in_folder / "data"
    data.mkdir()
    (data / "train.csv").write_text("id,lab\n1,a;b\n2,a\n")
    (data / "test.csv").write_text("id,lab\n3,b\n")
    (in_folder / "pyproject.toml").write_text(
        "[tool.splitguard]\n"
        'labels = "lab"\nsep = ";"\nid = "id"\nformat = "json"\n'
        'inputs = {train = "data/train.csv", test = "data/test.csv"}\n'
    )
    sub = in_folder / "deeper"
    sub.mkdir()
    import os

    os.chdir(sub)  # found from the current folder upwards; paths relative to the file
    result = run("stats")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["rows"] == 3
    assert {label["name"]: label["positives"] for label in payload["labels"]} == {"a": 2, "b": 2}

    only_test = run("stats", "../data/test.csv", "--sep", "|")
    assert only_test.code == 0, only_test.err
    assert json.loads(only_test.out)["rows"] == 1


def test_split_files_on_the_command_line(run: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,lab\n1,x\n")
    (tmp_path / "b.csv").write_text("id,lab\n2,y\n")
    result = run("stats", f"train={tmp_path / 'a.csv'}", f"test={tmp_path / 'b.csv'}",
                 "--labels", "lab", "--format", "json")  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out)["rows"] == 2
