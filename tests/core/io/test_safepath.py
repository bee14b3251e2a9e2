"""No output file is an input: not by path, not through a symlink, not through a hard link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from splitguard.core.errors import OutputError
from splitguard.core.io.safepath import check_output_files, input_clash


def test_input_clash(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text("a\n1\n")
    (tmp_path / "link.csv").symlink_to(data)
    os.link(data, tmp_path / "hard.csv")
    (tmp_path / "dataset").mkdir()
    assert input_clash(tmp_path / "report.html", [data]) is None
    assert input_clash(tmp_path / "sub" / ".." / "t.csv", [data]) == f"is the input {data}"
    assert "through a symlink" in str(input_clash(tmp_path / "link.csv", [data]))
    assert "through a hard link" in str(input_clash(tmp_path / "hard.csv", [data]))
    assert "inside the input folder" in str(
        input_clash(tmp_path / "dataset" / "r.html", [tmp_path / "dataset"])
    )


def test_check_output_files(tmp_path: Path) -> None:
    data, baseline = tmp_path / "t.csv", tmp_path / "b.json"
    data.write_text("a\n1\n")
    baseline.write_text("{}")
    check_output_files({"--html": tmp_path / "r.html", "--markdown": None}, [data])
    with pytest.raises(OutputError, match="--html and --markdown both name"):
        check_output_files({"--html": tmp_path / "r", "--markdown": tmp_path / "r"}, [data])
    with pytest.raises(OutputError, match=r"--write-baseline .*is the input"):
        check_output_files({"--write-baseline": baseline}, [data, baseline])
    updates = {"--write-baseline": baseline}
    check_output_files({"--write-baseline": baseline}, [data, baseline], updates)
    with pytest.raises(OutputError, match="--html"):
        check_output_files({"--html": baseline}, [data, baseline], updates)
