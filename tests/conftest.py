"""Shared fixtures: the NIH label table, its frame, tiny table builders, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from splitguard.core.example import NIH_SPEC, example_path
from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame

SHARED_NIH = Path("/work/shared/data/nih_chestxray14_labels.csv.gz")

NIH_ARGS = (
    "--labels",
    "Finding Labels",
    "--sep",
    "|",
    "--none",
    "No Finding",
    "--id",
    "Image Index",
    "--group",
    "Patient ID",
)


@pytest.fixture(scope="session")
def nih_args() -> tuple[str, ...]:
    """The command-line options that read the NIH table."""
    return NIH_ARGS


@pytest.fixture(scope="session")
def nih_path() -> Path:
    """The NIH ChestX-ray14 label table (CSV.gz); the shared copy, else the bundled one."""
    return SHARED_NIH if SHARED_NIH.is_file() else example_path()


@pytest.fixture(scope="session")
def nih_frame(nih_path: Path) -> LabelFrame:
    """The NIH table read once for the whole session (treat it as read-only)."""
    return load_frame(nih_path, NIH_SPEC)


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """A CSV file from rows; None writes an empty cell."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


def write_parquet(path: Path, columns: dict[str, object]) -> Path:
    """A Parquet file from a {column: list or Arrow array} mapping."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


@dataclass(frozen=True)
class Builders:
    """Tiny table writers, usable inside hypothesis tests (no function-scoped fixture)."""

    text: Callable[[Path, str], Path] = write_text
    csv: Callable[[Path, Sequence[str], Sequence[Sequence[object]]], Path] = write_csv
    parquet: Callable[[Path, dict[str, object]], Path] = write_parquet


@pytest.fixture(scope="session")
def build() -> Builders:
    return Builders()


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a tiny CSV into the test's folder: tiny_csv("a.csv", "id,lab\\n1,x\\n")."""

    def make(name: str, text: str) -> Path:
        return write_text(tmp_path / name, text)

    return make


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run `splitguard ARGS` in-process through `main`, as the console script does."""
    from splitguard.cli.main import main

    def invoke(*args: str | os.PathLike[str]) -> Result:
        capsys.readouterr()
        try:
            returned = main([str(a) for a in args])
            code = int(returned or 0)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def in_folder(tmp_path: Path) -> Iterator[Path]:
    """Run the test with the current folder set to its tmp_path."""
    previous = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(previous)
