"""Findings name files relative to the repository root (`--root`, config `root`).

On main, an input given by absolute path was named by this machine's absolute path in
every format, and SG201/SG301 named no file at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

SPEC = ("--labels", "labels", "--id", "id", "--group", "patient", "--select", "SG201,SG301")
TRAIN = "id,patient,labels\na,p1,Mass\nb,p2,Hernia\n"
TEST = "id,patient,labels\nc,p3,Mass\nd,p1,Mass\n"


def _repo(folder: Path) -> tuple[str, str]:
    (folder / "data").mkdir()
    (folder / "data" / "train.csv").write_text(TRAIN)
    (folder / "data" / "test.csv").write_text(TEST)
    return f"train={folder / 'data' / 'train.csv'}", f"test={folder / 'data' / 'test.csv'}"


def _annotations(out: str) -> dict[str, str]:
    """The title of each annotation, by its file and line properties."""
    found = {}
    for line in out.splitlines():
        properties = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
        found[properties["title"]] = f"{properties.get('file')}:{properties.get('line')}"
    return found


def test_absolute_inputs_under_the_current_folder_are_named_relative_to_it(
    run: Callable[..., Any], in_folder: Path
) -> None:
    result = run("check", *_repo(in_folder), *SPEC, "--format", "github")
    assert result.code == 1
    assert _annotations(result.out) == {
        "SG201 group-leak": "data/test.csv:3",
        "SG301 class-absent-from-split": "data/test.csv:None",
    }
    assert str(in_folder) not in result.out + result.err


def test_root_names_files_relative_to_another_folder(
    run: Callable[..., Any], in_folder: Path
) -> None:
    result = run("check", *_repo(in_folder), *SPEC, "--format", "json", "--root", "data")
    files = {f["location"]["file"] for f in json.loads(result.out)["findings"]}
    assert files == {"test.csv"}


def test_root_from_the_config_file_is_relative_to_the_file(
    run: Callable[..., Any], in_folder: Path
) -> None:
    inputs = _repo(in_folder)
    (in_folder / "splitguard.toml").write_text('root = "data"\n')
    (in_folder / "sub").mkdir()
    import os

    os.chdir(in_folder / "sub")
    result = run("check", *inputs, *SPEC, "--format", "json")
    assert {f["location"]["file"] for f in json.loads(result.out)["findings"]} == {"test.csv"}


def test_a_file_outside_the_root_stays_as_given_and_check_says_so(
    run: Callable[..., Any], in_folder: Path
) -> None:
    inputs = _repo(in_folder)
    (in_folder / "repo").mkdir()
    result = run("check", *inputs, *SPEC, "--format", "sarif", "--root", "repo")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(result.out)["runs"][0]["results"]
    }
    assert uris == {(in_folder / "data" / "test.csv").as_uri()}
    assert f"{in_folder / 'data' / 'test.csv'} is outside the repository root (repo)" in result.err


def test_a_root_that_is_not_a_folder_is_exit_2_before_any_work(
    run: Callable[..., Any], in_folder: Path
) -> None:
    result = run("check", *_repo(in_folder), *SPEC, "--root", "nowhere")
    assert result.code == 2
    assert "--root nowhere: no such folder" in result.err


def test_statistics_of_a_machine_format_go_to_stderr(
    run: Callable[..., Any], in_folder: Path
) -> None:
    result = run("check", *_repo(in_folder), *SPEC, "--format", "json", "--statistics")
    assert json.loads(result.out)["summary"]["errors"] == 2
    assert "SG201  group-leak (error)" in result.err


def test_the_manifest_and_reports_name_inputs_without_this_machines_folders(
    run: Callable[..., Any], in_folder: Path
) -> None:
    (in_folder / "data").mkdir()
    rows = "".join(f"i{n},p{n % 12},{'Mass' if n % 3 else 'Nodule'}\n" for n in range(40))
    (in_folder / "data" / "labels.csv").write_text("id,patient,labels\n" + rows)
    (in_folder / "splitguard.toml").write_text('inputs = "data/labels.csv"\n')
    result = run("split", *SPEC[:6], "--fractions", "train=0.5,test=0.5", "--out", "out", "--force")
    assert result.code in (0, 1), result.err
    manifest = json.loads((in_folder / "out" / "manifest.json").read_text())
    assert [entry["path"] for entry in manifest["inputs"]] == ["data/labels.csv"]
    for name in ("manifest.json", "report.json", "report.md", "report.html"):
        assert str(in_folder) not in (in_folder / "out" / name).read_text(), name
