"""The output directory lands whole or not at all, never over an input or a stranger's folder."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from splitguard.core.errors import OutputError
from splitguard.core.io import outdir, staging
from splitguard.core.io.outdir import check_out_dir, recover, sha256_of, staged_dir


def splitguard_output(folder: Path, *files: str) -> Path:
    """A folder as a run leaves it: its files and a manifest listing them."""
    folder.mkdir()
    for name in files:
        (folder / name).write_text(name)
    manifest = {"splitguard_version": "0", "outputs": [{"path": name} for name in files]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", ""])
    process.wait()
    return process.pid


def test_staged_dir_lands_only_on_success(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), staged_dir(out) as staged:
        (staged / "train.parquet").write_text("partial")
        raise RuntimeError("interrupted")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    with staged_dir(out) as staged:
        (staged / "train.parquet").write_text("done")
    assert (out / "train.parquet").read_text() == "done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_of_two_runs_into_one_new_folder_the_second_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with (
        pytest.raises(OutputError, match="another process created this folder"),
        staged_dir(out) as second,
    ):
        (second / "train.parquet").write_text("second")
        with staged_dir(out) as first:
            (first / "train.parquet").write_text("first")
    assert (out / "train.parquet").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_empty_folder_made_meanwhile_is_taken_too(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="another process"), staged_dir(out) as staged:
        (staged / "train.parquet").write_text("x")
        out.mkdir()
    assert list(out.iterdir()) == []


def test_force_replaces_an_earlier_output_at_the_end(tmp_path: Path) -> None:
    out = splitguard_output(tmp_path / "out", "old.parquet")
    with pytest.raises(RuntimeError), staged_dir(out, force=True) as staged:
        (staged / "new.parquet").write_text("new")
        raise RuntimeError("failed")
    assert (out / "old.parquet").read_text() == "old.parquet"
    with staged_dir(out, force=True) as staged:
        (staged / "new.parquet").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["new.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_interrupt_between_the_renames_puts_the_old_output_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = splitguard_output(tmp_path / "out", "old.parquet")
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(source).name.endswith(".partial"):
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(outdir.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt), staged_dir(out, force=True) as staged:
        (staged / "new.parquet").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "old.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_write_the_disk_refuses_names_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputError) as caught, staged_dir(out) as staged:
        raise OSError(errno.ENOSPC, "No space left on device", str(staged / "train.parquet"))
    message = str(caught.value)
    assert f"{out}/train.parquet" in message and "disk is full" in message
    assert "MB free" in message
    assert list(tmp_path.iterdir()) == []


def test_check_out_dir_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    check_out_dir(out, force=True)
    with pytest.raises(OutputError, match="--force"):
        check_out_dir(out, force=False)
    table = out / "labels.csv"
    table.write_text("a\n1\n")
    with pytest.raises(OutputError, match="holds the input"):
        check_out_dir(out, force=True, inputs=[table])
    with pytest.raises(OutputError, match="did not write it"):
        check_out_dir(out, force=True)
    with pytest.raises(OutputError, match="names a file"):
        check_out_dir(table, force=True)
    with pytest.raises(OutputError, match="does not exist"):
        check_out_dir(tmp_path / "no" / "out", force=False)
    with pytest.raises(OutputError, match="inside the input folder"):
        check_out_dir(out / "splits", force=False, inputs=[out])
    monkeypatch.chdir(out)
    for folder, why in [(out, "current folder"), (tmp_path, "parent of the current folder"),
                        (Path("/"), "folder"), (Path.home(), "folder")]:  # fmt: skip
        with pytest.raises(OutputError, match=why):
            check_out_dir(folder, force=True)


def test_force_takes_only_folders_splitguard_wrote(tmp_path: Path) -> None:
    earlier = splitguard_output(tmp_path / "earlier", "train.parquet", "report.json")
    (earlier / "report.html").write_text("<html>")
    check_out_dir(earlier, force=True)
    (earlier / "sub").mkdir()
    with pytest.raises(OutputError, match="'sub'"):
        check_out_dir(earlier, force=True)
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "manifest.json").write_text('{"outputs": []}')
    with pytest.raises(OutputError, match="not splitguard's"):
        check_out_dir(fake, force=True)


def test_an_out_holding_a_hard_link_to_an_input_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("a\n1\n")
    out = splitguard_output(tmp_path / "out")
    os.link(table, out / "train.parquet")
    with pytest.raises(OutputError, match="hard link"):
        check_out_dir(out, force=True, inputs=[table])


def test_recover_removes_what_dead_runs_left_and_keeps_live_ones(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dead, live = dead_pid(), os.getppid()
    host = staging.host()
    gone = tmp_path / f".out.splitguard-{host}-{dead}-abc123.partial"
    working = tmp_path / f".out.splitguard-{host}-{live}-abc123.partial"
    half_file = tmp_path / f".r.html.splitguard-{host}-{dead}-abc123.tmp"
    other_host = tmp_path / f".out.splitguard-00000000-{dead}-abc123.partial"
    for folder in (gone, working, other_host):
        folder.mkdir()
        (folder / "train.parquet").write_text("part")
    half_file.write_text("<ht")
    assert recover(out) == []
    assert not gone.exists() and not half_file.exists()
    assert working.exists() and other_host.exists()


def test_recover_puts_back_an_output_a_killed_replace_moved_aside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    aside = tmp_path / f".out.splitguard-{staging.host()}-{dead_pid()}-abc123.old"
    splitguard_output(aside, "train.parquet")
    notes = recover(out)
    assert len(notes) == 1 and "put back the earlier output" in notes[0]
    assert (out / "train.parquet").read_text() == "train.parquet"
    assert not aside.exists()
    # Killed after the new output landed: the one it replaced goes.
    splitguard_output(aside, "old.parquet")
    assert recover(out) == [] and not aside.exists()
    assert (out / "train.parquet").exists()


def test_sha256_of_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("abc")
    assert sha256_of(tmp_path / "a.txt") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert len(sha256_of(tmp_path)) == 64


def test_sha256_of_a_directory_covers_its_file_names(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, name in ((first, "train.parquet"), (second, "test.parquet")):
        folder.mkdir()
        (folder / name).write_text("same bytes")
    assert sha256_of(first) != sha256_of(second)
    (second / "test.parquet").rename(second / "train.parquet")
    assert sha256_of(first) == sha256_of(second)


def test_sha256_of_a_directory_separates_names_from_contents(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    (first / "a").write_text("bc")
    (second / "ab").write_text("c")
    assert sha256_of(first) != sha256_of(second)


def test_ctrl_c_inside_the_staged_dir_leaves_no_partial_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt), staged_dir(out) as staged:
        (staged / "train.parquet").write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_recover_says_where_an_output_it_cannot_move_back_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aside = tmp_path / f".out.splitguard-{staging.host()}-{dead_pid()}-abc123.old"
    splitguard_output(aside, "train.parquet")

    def refused(source: object, target: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(outdir.os, "replace", refused)
    notes = recover(tmp_path / "out")
    assert len(notes) == 1 and f"is in {aside}" in notes[0] and "move it back by hand" in notes[0]
    assert (aside / "train.parquet").exists()
