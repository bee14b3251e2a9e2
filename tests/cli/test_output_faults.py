"""Interrupts, kills, races and full disks leave the user's files whole (issue 8).

These run `splitguard` as separate processes, as a user, a CI runner or a second
terminal would, and look at the folder afterwards.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from splitguard.core.io import staging

Run = Callable[..., Any]
LABELS = ("--labels", "lab", "--sep", "|", "--id", "id", "--group", "pid")


def _command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "splitguard", *map(str, args)]


def _split(table: Path, out: Path, *extra: str) -> list[str]:
    return _command("split", table, *LABELS, "--out", out, *extra)


def _staging_folders(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith((".partial", ".old", ".tmp"))]


def _wide_table(path: Path, rows: int) -> Path:
    """A table with a column of 128 hex digits a row, which no compression shrinks much."""
    lines = ["id,pid,lab,note"]
    lines += [
        f"i{n},p{n // 2},{'a' if n % 3 else 'a|b'},{hashlib.sha512(b'%d' % n).hexdigest()}"
        for n in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _signal_while_writing(command: list[str], folder: Path, signum: int) -> subprocess.Popen[str]:
    """Start `command`; once its staging folder appears in `folder`, send `signum`."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not _staging_folders(folder):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.005)
    process.send_signal(signum)
    process.wait(timeout=120)
    return process


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 rows: a second or so of writing, long enough to signal a run mid-write."""
    return _wide_table(tmp_path_factory.mktemp("table") / "t.csv", 20_000)


def test_two_runs_into_one_new_folder_one_wins(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            _split(table, out, "--seed", str(seed)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    results = [(run.wait(timeout=300), run.communicate()[1]) for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert "another process created this folder" in loser or "exists" in loser
    manifest = json.loads((out / "manifest.json").read_text())
    winner_seed = 1 if results[0][0] == 0 else 2
    assert manifest["seed"] == winner_seed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_sigterm_while_writing_removes_the_staging_folder(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = _signal_while_writing(_split(table, out), tmp_path, signal.SIGTERM)
    stderr = process.stderr.read() if process.stderr else ""
    assert process.returncode == 2, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) in ([], [out])
    if out.exists():  # the signal came as the folder landed: it is whole
        assert "holds this run's splits" in stderr
        assert (out / "manifest.json").is_file()


def test_the_next_run_removes_what_a_killed_run_left(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = _signal_while_writing(_split(table, out), tmp_path, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    left = _staging_folders(tmp_path)
    assert left and not out.exists()
    again = subprocess.run(_split(table, out), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_live_runs_staging_folder_is_left_alone(run: Run, tmp_path: Path) -> None:
    table = _wide_table(tmp_path / "t.csv", 40)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        working = tmp_path / f".out.splitguard-{staging.host()}-{sleeper.pid}-abc123.partial"
        working.mkdir()
        result = run("split", table, *LABELS, "--out", tmp_path / "out")
        assert result.code == 0, result.err
        assert working.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_replace_killed_halfway_is_put_back_by_the_next_run(run: Run, tmp_path: Path) -> None:
    table = _wide_table(tmp_path / "t.csv", 40)
    out = tmp_path / "out"
    assert run("split", table, *LABELS, "--out", out).code == 0
    earlier = (out / "manifest.json").read_text()
    dead = subprocess.Popen([sys.executable, "-c", ""])
    dead.wait()
    # What a run killed between its two renames leaves: the old output moved aside.
    os.replace(out, tmp_path / f".out.splitguard-{staging.host()}-{dead.pid}-abc123.old")
    refused = run("split", table, *LABELS, "--out", out, "--seed", "5")
    assert refused.code == 2 and "put back the earlier output" in refused.err
    assert (out / "manifest.json").read_text() == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "t.csv"]


def test_an_interrupted_replace_says_the_earlier_output_is_kept(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = _wide_table(tmp_path / "t.csv", 40)
    out = tmp_path / "out"
    assert run("split", table, *LABELS, "--out", out).code == 0
    earlier = {p.name: p.read_bytes() for p in out.iterdir()}

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("splitguard.core.io.split_files.write_split_tables", interrupted)
    result = run("split", table, *LABELS, "--out", out, "--seed", "4", "--force")
    assert result.code == 2
    assert f"{out} still holds the earlier output" in result.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "t.csv"]


def test_a_full_disk_is_exit_2_naming_the_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    table = _wide_table(tmp_path / "t.csv", 40)

    def full(table: object, where: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    result = run("split", table, *LABELS, "--out", tmp_path / "out")
    assert result.code == 2, result.err
    assert (
        f"{tmp_path / 'out' / 'train.parquet'}: cannot be written, the disk is full" in result.err
    )
    assert "Free space on that disk" in result.err and "internal error" not in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="no file-size limit signal")
def test_the_file_size_limit_is_exit_2_and_leaves_nothing(tmp_path: Path) -> None:
    import resource

    table = _wide_table(tmp_path / "t.csv", 20_000)
    limit = table.stat().st_size // 8

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        _command("split", table, *LABELS, "--out", tmp_path / "out"),
        capture_output=True,
        text=True,
        preexec_fn=limited,
    )
    assert done.returncode == 2, done.stderr
    assert "file-size limit" in done.stderr and f"{limit:,} bytes" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]
