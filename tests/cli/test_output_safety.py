"""Outputs never touch an input or a folder splitguard did not make (issue 8, reproductions).

Each test drives the CLI as a user would and checks the files around it: the input bytes,
and every file and folder of the working tree before and after.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

Run = Callable[..., Any]
LABELS = ("--labels", "lab", "--sep", "|", "--id", "id", "--group", "pid")
HALVES = ("--fractions", "train=0.5,test=0.5")
ROWS = [(f"i{n}", f"p{n // 2}", ["a", "b", "a|b"][n % 3]) for n in range(24)]


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with the sha256 of each file."""
    return {
        str(path.relative_to(folder)): (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        )
        for path in sorted(folder.rglob("*"))
    }


def table_csv(path: Path, split_values: list[str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "id,pid,lab" + (",part" if split_values else "")
    lines = [header]
    for n, row in enumerate(ROWS):
        extra = f",{split_values[n % len(split_values)]}" if split_values else ""
        lines.append(",".join(row) + extra)
    path.write_text("\n".join(lines) + "\n")
    return path


def table_parquet(path: Path, split_values: list[str] | None = None) -> Path:
    columns: dict[str, Any] = {
        "id": [r[0] for r in ROWS],
        "pid": [r[1] for r in ROWS],
        "lab": [r[2] for r in ROWS],
    }
    if split_values:
        columns["part"] = [split_values[n % len(split_values)] for n in range(len(ROWS))]
    pq.write_table(pa.table(columns), path)
    return path


def test_a_split_name_that_climbs_out_never_replaces_the_input(run: Run, in_folder: Path) -> None:
    data = table_parquet(in_folder / "data.parquet")
    before = tree(in_folder)
    result = run("split", data, *LABELS, "--fractions", "../data=0.5,test=0.5", "--out", "o")
    assert result.code == 2
    assert "'../data'" in result.err and "--fractions" in result.err
    assert "Traceback" not in result.err
    assert tree(in_folder) == before


def test_an_absolute_split_name_is_refused(run: Run, tmp_path: Path) -> None:
    data = table_csv(tmp_path / "data" / "t.csv")
    target = tmp_path / "elsewhere" / "x"
    before = tree(tmp_path)
    fractions = f"{target}=0.5,test=0.5"
    result = run("split", data, *LABELS, "--fractions", fractions, "--out", tmp_path / "o")
    assert result.code == 2 and "path separator" in result.err
    assert tree(tmp_path) == before


def test_a_split_column_value_that_climbs_out_is_refused_with_its_row(
    run: Run, tmp_path: Path
) -> None:
    data = table_csv(tmp_path / "a" / "b" / "t.csv", ["train", "../../x"])
    before = tree(tmp_path)
    result = run("fix", data, *LABELS, "--split-col", "part", "--out", tmp_path / "a" / "b" / "o")
    assert result.code == 2
    assert "t.csv, row 2, column 'part'" in result.err and "'../../x'" in result.err
    assert "rename that split" in result.err
    assert tree(tmp_path) == before


@pytest.mark.parametrize("name", ["a/b", "a\x00b", "a\nb", ".."])
def test_a_bad_split_name_in_the_config_file_is_exit_2(
    run: Run, in_folder: Path, name: str
) -> None:
    data = table_csv(in_folder / "t.csv")
    (in_folder / "splitguard.toml").write_text(
        f"fractions = {{ {json.dumps(name)} = 0.5, test = 0.5 }}\n"
    )
    result = run("split", data, *LABELS, "--out", "o")
    assert result.code == 2
    assert "internal error" not in result.err and "splitguard.toml" in result.err
    assert repr(name) in result.err
    assert not (in_folder / "o").exists()


def test_a_path_like_key_of_config_inputs_is_refused(run: Run, in_folder: Path) -> None:
    table_csv(in_folder / "data" / "t.csv")
    table_csv(in_folder / "data" / "u.csv")
    (in_folder / "data" / "splitguard.toml").write_text(
        'inputs = { "../../x" = "t.csv", test = "u.csv" }\n'
    )
    before = tree(in_folder)
    config = in_folder / "data" / "splitguard.toml"
    result = run("fix", "--config", config, *LABELS, "--out", in_folder / "data" / "o")
    assert result.code == 2
    assert "key 'inputs'" in result.err and "'../../x'" in result.err
    assert tree(in_folder) == before


def test_split_names_that_differ_only_in_case_are_refused(run: Run, tmp_path: Path) -> None:
    data = table_csv(tmp_path / "t.csv", ["train", "Train"])
    result = run("fix", data, *LABELS, "--split-col", "part", "--out", tmp_path / "o")
    assert result.code == 2 and "differ only in case" in result.err
    result = run("split", data, *LABELS, "--fractions", "test=0.5,TEST=0.5", "--out", tmp_path)
    assert result.code == 2 and "differ only in case" in result.err


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("check", "--html"),
        ("check", "--markdown"),
        ("check", "--write-baseline"),
        ("stats", "--weights-out"),
        ("stats", "--html"),
        ("stats", "--markdown"),
    ],
)
@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
def test_report_options_never_write_over_the_input(
    run: Run, tmp_path: Path, command: str, option: str, link: str
) -> None:
    data = table_csv(tmp_path / "t.csv")
    target = {"same": data, "symlink": tmp_path / "link.csv", "hardlink": tmp_path / "hard.csv"}
    if link == "symlink":
        target["symlink"].symlink_to(data)
    if link == "hardlink":
        os.link(data, target["hardlink"])
    before = tree(tmp_path)
    result = run(command, data, *LABELS, option, target[link])
    assert result.code == 2
    assert f"{option} " in result.err and "never writes over its input" in result.err
    assert tree(tmp_path) == before


def test_write_baseline_may_refresh_the_baseline_it_reads(run: Run, tmp_path: Path) -> None:
    data = table_csv(tmp_path / "t.csv", ["train", "test"])
    baseline = tmp_path / "baseline.json"
    assert run(
        "check", data, *LABELS, "--split-col", "part", "--write-baseline", baseline
    ).code in (0, 1)
    again = run("check", data, *LABELS, "--split-col", "part",
                "--baseline", baseline, "--write-baseline", baseline)  # fmt: skip
    assert again.code == 0, again.err


@pytest.mark.parametrize("out", [".", ".."])
def test_force_never_replaces_the_current_folder_or_a_parent(
    run: Run, in_folder: Path, out: str
) -> None:
    data = table_csv(in_folder / "t.csv")
    (in_folder / "thesis.tex").write_text("three years of work")
    before = tree(in_folder)
    result = run("split", data, *LABELS, *HALVES, "--out", out, "--force")
    assert result.code == 2
    assert "current folder" in result.err and "never replaces it" in result.err
    assert tree(in_folder) == before


def test_force_replaces_only_what_splitguard_wrote(run: Run, tmp_path: Path) -> None:
    data = table_csv(tmp_path / "t.csv")
    out = tmp_path / "o"
    assert run("split", data, *LABELS, *HALVES, "--out", out).code == 0
    assert run("split", data, *LABELS, *HALVES, "--out", out, "--seed", "3", "--force").code == 0
    (out / "notes.txt").write_text("mine")
    before = tree(tmp_path)
    result = run("split", data, *LABELS, *HALVES, "--out", out, "--force")
    assert result.code == 2 and "'notes.txt'" in result.err
    assert tree(tmp_path) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("split", data, *LABELS, *HALVES, "--out", empty, "--force").code == 0


def test_out_that_is_or_lies_inside_an_input_is_refused(run: Run, tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    table_parquet(dataset / "part-0.parquet")
    table = table_csv(tmp_path / "t.csv")
    earlier = tmp_path / "earlier"
    assert run("split", table, *LABELS, *HALVES, "--out", earlier).code == 0
    before = tree(tmp_path)
    inside = run("split", dataset, *LABELS, *HALVES, "--out", dataset / "o")
    assert inside.code == 2 and "inside the input folder" in inside.err
    keep = run("split", table, *LABELS, *HALVES, "--keep", earlier, "--out", earlier, "--force")
    assert keep.code == 2 and "holds the input" in keep.err
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    ("command", "first", "second"),
    [
        ("stats", ("--weights-out", "w.json"), ("--markdown", "..")),
        ("stats", ("--weights-out", "w.json"), ("--html", "missing/r.html")),
        ("check", ("--write-baseline", "b.json"), ("--markdown", "r" * 300 + ".md")),
    ],
)
def test_an_unwritable_output_is_refused_before_any_file_is_written(
    run: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    first: tuple[str, str],
    second: tuple[str, str],
) -> None:
    # A folder as a file, a missing folder, a name longer than the file system takes:
    # each is exit 2 before the first output is written, never half a run's files.
    data = table_csv(tmp_path / "work" / "t.csv")
    before = tree(tmp_path)
    monkeypatch.chdir(tmp_path / "work")
    result = run(command, data, *LABELS, *first, *second)
    assert result.code == 2, result.err
    assert "internal error" not in result.err
    assert second[1][:40] in result.err
    assert tree(tmp_path) == before


def test_an_out_name_too_long_for_the_file_system_is_exit_2(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = table_csv(tmp_path / "t.csv")
    before = tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("split", data, *LABELS, *HALVES, "--out", "o" * 300)
    assert result.code == 2, result.err
    assert "internal error" not in result.err and "Give a shorter name" in result.err
    assert tree(tmp_path) == before
