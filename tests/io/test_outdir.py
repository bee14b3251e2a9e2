"""The output directory lands whole or not at all, and never over an input."""

from __future__ import annotations

from pathlib import Path

import pytest

from splitguard.errors import OptionError
from splitguard.io.outdir import check_out_dir, sha256_of, staged_dir


def test_staged_dir_lands_only_on_success(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), staged_dir(out) as staging:
        (staging / "train.parquet").write_text("partial")
        raise RuntimeError("interrupted")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    with staged_dir(out) as staging:
        (staging / "train.parquet").write_text("done")
    assert (out / "train.parquet").read_text() == "done"


def test_staged_dir_replaces_an_existing_dir_at_the_end(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), staged_dir(out) as staging:
        (staging / "new.txt").write_text("new")
        raise RuntimeError("failed")
    assert (out / "old.txt").read_text() == "old"
    with staged_dir(out) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_check_out_dir_refusals(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OptionError, match="--force"):
        check_out_dir(out, force=False, inputs=[])
    check_out_dir(out, force=True, inputs=[])
    table = out / "labels.csv"
    table.write_text("a\n1\n")
    with pytest.raises(OptionError, match="holds the input"):
        check_out_dir(out, force=True, inputs=[table])
    with pytest.raises(OptionError, match="names a file"):
        check_out_dir(table, force=True, inputs=[])
    with pytest.raises(OptionError, match="does not exist"):
        check_out_dir(tmp_path / "no" / "out", force=False, inputs=[])


def test_sha256_of_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("abc")
    assert sha256_of(tmp_path / "a.txt") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert len(sha256_of(tmp_path)) == 64
