"""The GitHub Action's check step (scripts/action-check.sh), run locally on a leaky NIH split.

The split is built at random by row, ignoring patients, from the first 3,000 NIH rows:
the same patient lands in train and test, so check must fail with annotations.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

PROJECT = Path(__file__).parents[2]
SCRIPT = PROJECT / "scripts" / "action-check.sh"
ARGS = (
    'train=data/train.csv test=data/test.csv --labels "Finding Labels" --sep "|" '
    '--none "No Finding" --id "Image Index" --group "Patient ID"'
)

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, nih_path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {"Patient ID": pa.string(), "Image Index": pa.string()}
    options = pacsv.ConvertOptions(column_types=types)
    table = pacsv.read_csv(nih_path, convert_options=options).slice(0, 3000)
    test = np.random.default_rng(3).random(table.num_rows) < 0.2
    folder = tmp_path_factory.mktemp("repo")
    (folder / "data").mkdir()
    pacsv.write_csv(table.filter(~test), folder / "data" / "train.csv")
    pacsv.write_csv(table.filter(test), folder / "data" / "test.csv")
    return folder


def _action(repo: Path, **env: str) -> subprocess.CompletedProcess[str]:
    bin_folder = str(Path(sys.executable).parent)
    return subprocess.run(
        ["bash", str(SCRIPT)],
        cwd=repo,
        env={
            **os.environ,
            "PATH": bin_folder + os.pathsep + os.environ["PATH"],
            "SPLITGUARD_PYTHON": sys.executable,
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_leaky_split_fails_with_error_annotations(repo: Path) -> None:
    result = _action(repo, SPLITGUARD_ARGS=ARGS)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert any("title=SG201 group-leak" in line for line in errors), result.stdout
    properties = [p for line in errors for p in line.split("::")[1].split(" ", 1)[1].split(",")]
    files = [p.removeprefix("file=") for p in properties if p.startswith("file=")]
    assert all(not f.startswith("/") for f in files), files
    assert not (repo / "splitguard.sarif").exists()
    # An annotation about one split attaches to that split's file, as the repository
    # names it; the leak to the line of its first leaked row in the evaluation split.
    by_title = {}
    for line in result.stdout.splitlines():
        head, message = line.split("::")[1:]
        fields = dict(p.split("=", 1) for p in head.split(" ", 1)[1].split(","))
        by_title.setdefault(fields["title"], fields)
        if "(split " in message:
            split = message.rsplit("(split ", 1)[1].split(",")[0].rstrip(")")
            assert fields["file"] == f"data/{split}.csv", line
    leak = by_title["SG201 group-leak"]
    assert leak["file"] == "data/test.csv"
    lines = (repo / "data" / "test.csv").read_text().splitlines()
    leaked_row = lines[int(leak["line"]) - 1]
    train_patients = {
        row.split(",")[3] for row in (repo / "data" / "train.csv").read_text().splitlines()[1:]
    }
    assert leaked_row.split(",")[3] in train_patients


def test_sarif_true_writes_the_sarif_file_and_names_it(repo: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "github_output"
    sarif = tmp_path / "check.sarif"
    result = _action(
        repo,
        SPLITGUARD_ARGS=ARGS,
        SPLITGUARD_SARIF="true",
        SPLITGUARD_SARIF_FILE=str(sarif),
        GITHUB_OUTPUT=str(outputs),
    )
    assert result.returncode == 1, result.stderr
    assert "::error " in result.stdout
    log = json.loads(sarif.read_text())
    assert log["version"] == "2.1.0"
    rules = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert "SG201" in rules
    places = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]
        for r in log["runs"][0]["results"]
        if "physicalLocation" in r["locations"][0]
    ]
    assert places and all(p["uriBaseId"] == "%SRCROOT%" for p in places)
    assert {p["uri"] for p in places} <= {"data/train.csv", "data/test.csv"}
    assert outputs.read_text() == f"sarif-file={sarif}\n"


def test_a_check_that_cannot_run_is_exit_2_without_sarif(repo: Path, tmp_path: Path) -> None:
    sarif = tmp_path / "check.sarif"
    result = _action(
        repo,
        SPLITGUARD_ARGS="train=data/nope.csv --labels x",
        SPLITGUARD_SARIF="true",
        SPLITGUARD_SARIF_FILE=str(sarif),
    )
    assert result.returncode == 2
    assert "nope.csv" in result.stderr
    assert not sarif.exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SPLITGUARD_SARIF": "yes"}, "input 'sarif' is 'yes'"),
        ({"SPLITGUARD_ARGS": '--labels "Finding'}, "cannot be split"),
    ],
)
def test_bad_inputs_are_exit_2(repo: Path, env: dict[str, str], message: str) -> None:
    result = _action(repo, **env)
    assert result.returncode == 2
    assert message in result.stderr


def test_the_action_passes_its_inputs_to_the_script() -> None:
    action = yaml.safe_load((PROJECT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"args", "version", "python-version", "sarif"}
    steps = {step.get("id"): step for step in action["runs"]["steps"]}
    check = steps["check"]
    assert check["run"] == 'bash "$GITHUB_ACTION_PATH/scripts/action-check.sh"'
    names = set(check["env"])
    script = SCRIPT.read_text()
    assert names == {"SPLITGUARD_ARGS", "SPLITGUARD_SARIF", "SPLITGUARD_SARIF_FILE"}
    assert all(name in script for name in names)
    uploads = [s for s in action["runs"]["steps"] if "upload-sarif" in s.get("uses", "")]
    assert uploads and "inputs.sarif == 'true'" in uploads[0]["if"]
