"""The pre-commit hook end to end: `pre-commit try-repo` on a git repo holding NIH splits.

The hook repository is a fresh git copy of this project (its committed state would miss
uncommitted work). `splitguard-system` runs the installed splitguard: it fails on a leaky
row split and passes once the split is fixed (split by patient). `splitguard` (language
python) builds its own environment, as users get it; installing pandas, pyarrow and
pandera takes about a minute, so that test checks the failing run only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PROJECT = Path(__file__).parents[2]
HOOK_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "splitguard")
CONFIG = """\
labels = "Finding Labels"
sep = "|"
none = "No Finding"
id = "Image Index"
group = "Patient ID"

[inputs]
train = "splits/train.parquet"
val = "splits/val.parquet"
test = "splits/test.parquet"
"""
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env=_env())


def _env() -> dict[str, str]:
    bin_folder = str(Path(sys.executable).parent)
    return {**os.environ, **GIT_ENV, "PATH": bin_folder + os.pathsep + os.environ["PATH"]}


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("hooks")
    for name in HOOK_FILES:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "hooks")
    return repo


def _write_splits(repo: Path, nih_path: Path, *, by_patient: bool) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    types = {"Patient ID": pa.string(), "Image Index": pa.string()}
    table = pacsv.read_csv(nih_path, convert_options=pacsv.ConvertOptions(column_types=types))
    rng = np.random.default_rng(7)
    if by_patient:
        patients = np.array(table.column("Patient ID").to_pylist(), dtype=str)
        names, index = np.unique(patients, return_inverse=True)
        assignment = np.searchsorted([0.8, 0.9], rng.random(len(names)), side="right")[index]
    else:
        assignment = np.searchsorted([0.8, 0.9], rng.random(table.num_rows), side="right")
    (repo / "splits").mkdir(exist_ok=True)
    for code, split in enumerate(("train", "val", "test")):
        pq.write_table(table.filter(assignment == code), repo / "splits" / f"{split}.parquet")


@pytest.fixture
def data_repo(tmp_path: Path, nih_path: Path) -> Path:
    repo = tmp_path / "data"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "splitguard.toml").write_text(CONFIG)
    _write_splits(repo, nih_path, by_patient=False)
    _git(repo, "add", ".")
    return repo


def _try_repo(data_repo: Path, hook_repo: Path, hook: str) -> subprocess.CompletedProcess[str]:
    pre_commit = [sys.executable, "-m", "pre_commit"]
    return subprocess.run(
        [*pre_commit, "try-repo", str(hook_repo), hook, "--all-files"],
        cwd=data_repo,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_system_hook_fails_on_a_leak_then_passes_once_fixed(
    data_repo: Path, hook_repo: Path, nih_path: Path
) -> None:
    leaky = _try_repo(data_repo, hook_repo, "splitguard-system")
    assert leaky.returncode == 1, leaky.stdout + leaky.stderr
    assert "SG201" in leaky.stdout

    _write_splits(data_repo, nih_path, by_patient=True)
    _git(data_repo, "add", ".")
    fixed = _try_repo(data_repo, hook_repo, "splitguard-system")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout


def test_python_hook_installs_and_fails_on_a_leak(data_repo: Path, hook_repo: Path) -> None:
    leaky = _try_repo(data_repo, hook_repo, "splitguard")
    assert leaky.returncode == 1, leaky.stdout + leaky.stderr
    assert "SG201" in leaky.stdout


def test_system_hook_without_a_config_says_which_file_to_create(
    data_repo: Path, hook_repo: Path
) -> None:
    _git(data_repo, "rm", "-q", "--cached", "splitguard.toml")
    (data_repo / "splitguard.toml").unlink()
    result = _try_repo(data_repo, hook_repo, "splitguard-system")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Create splitguard.toml beside your data" in result.stdout
    assert "--labels COL (delimited" not in result.stdout
