"""docs/architecture.md's recipe "add a format": one file, one entry point, nothing else.

The example plugin's `csv_format.py` is installed as an installation would: its
`.dist-info`, naming the entry point in the `splitguard.formats` group, in a folder on
the path (as tests/rules/test_registry.py installs the example rule).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from plugin_site import install_dist, run_cli, site_on_path

from splitguard.lint.engine import LintResult
from splitguard.lint.formats import GROUP, FormatError, View, registered_formats


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with site_on_path(tmp_path, monkeypatch, registered_formats) as folder:
        yield folder


def test_a_format_in_one_file_joins_check_through_its_entry_point(
    site: Path, tmp_path: Path
) -> None:
    install_dist(
        site,
        "splitguard-example-plugin",
        GROUP,
        {"csv": "splitguard_example_plugin.csv_format:Csv"},
    )
    assert "csv" in registered_formats()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_text("id,patient,labels\na,p1,Mass\nb,p2,Hernia\n")
    (tmp_path / "data" / "test.csv").write_text("id,patient,labels\nc,p1,Mass\n")
    spec = ("--labels", "labels", "--id", "id", "--group", "patient", "--select", "SG201")
    inputs = ("train=data/train.csv", "test=data/test.csv")
    checked = run_cli(site, "check", *inputs, *spec, "--format", "csv", cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr
    rows = list(csv.reader(checked.stdout.splitlines()))
    assert rows[0] == ["code", "severity", "file", "line", "message"]
    assert rows[1][:4] == ["SG201", "error", "data/test.csv", "2"]
    assert "csv" in run_cli(site, "check", "--help", cwd=tmp_path).stdout


def test_without_the_plugin_the_format_is_an_error_naming_the_installed_ones(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "splitguard", "check", "t.csv", "--labels", "y", "--format", "csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "--format 'csv' is not an installed format; use one of github" in result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("no_such_module_anywhere:Csv", "failed to load"),
        ("splitguard_example_plugin:RULES", "not a splitguard Format class"),
        ("splitguard_example_plugin.csv_format:Csv", "the entry point and the class must give"),
    ],
)
def test_a_broken_format_plugin_is_one_error_naming_its_package(
    site: Path, value: str, message: str
) -> None:
    install_dist(site, "broken-formats", GROUP, {"tsv": value})
    with pytest.raises(FormatError, match=message) as caught:
        registered_formats()
    assert "broken-formats" in str(caught.value)


def test_the_example_format_renders_an_empty_result(site: Path) -> None:
    install_dist(
        site,
        "splitguard-example-plugin",
        GROUP,
        {"csv": "splitguard_example_plugin.csv_format:Csv"},
    )
    empty = LintResult((), ())
    assert registered_formats()["csv"]().render(empty, View()) == "code,severity,file,line,message"
