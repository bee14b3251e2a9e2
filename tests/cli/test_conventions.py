"""CLI conventions as ruff users expect them (issue 10, item 5): -q/-V/--debug anywhere,
--write-baseline's confirmation, and logs that fit 80 columns with every class name whole."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from splitguard import __version__

NIH = ("--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
       "--id", "Image Index", "--group", "Patient ID")  # fmt: skip
NIH_CLASSES = ("Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Effusion",
               "Emphysema", "Fibrosis", "Hernia", "Infiltration", "Mass", "Nodule",
               "Pleural_Thickening", "Pneumonia", "Pneumothorax")  # fmt: skip
Run = Callable[..., Any]


@pytest.mark.parametrize("where", ["before", "after"])
def test_version_anywhere(run: Run, where: str) -> None:
    args = ("-V", "stats") if where == "before" else ("stats", "-V")
    result = run(*args)
    assert result.code == 0 and result.out == f"splitguard {__version__}\n"
    assert run("check", "--version").out == f"splitguard {__version__}\n"


def test_debug_after_the_subcommand_shows_the_traceback(run: Run, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["1", "2"], "lab": ["['a']", "['a',"]}), tmp_path / "t.parquet")
    plain = run("stats", tmp_path / "t.parquet", "--labels", "lab")
    assert plain.code == 2 and "row 2: column 'lab'" in plain.err
    with pytest.raises(Exception, match="column 'lab'"):
        run("stats", tmp_path / "t.parquet", "--labels", "lab", "--debug")


def _leaky_check(run: Run, table: Path, *extra: str) -> Any:
    return run("check", table, *NIH[:4], "--id", "id", "--group", "patient",
               "--split-col", "part", *extra)  # fmt: skip


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    rows = ["id,patient,Finding Labels,part"] + [
        f"r{i},p{i % 7},{'Mass' if i % 3 else 'Nodule|Mass'},{('train', 'test')[i % 2]}"
        for i in range(40)
    ]
    path = tmp_path / "leaky.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_check_prints_the_findings_only(run: Run, leaky: Path, where: str) -> None:
    loud = _leaky_check(run, leaky)
    args = ["check", str(leaky), *NIH[:4], "--id", "id", "--group", "patient",
            "--split-col", "part"]  # fmt: skip
    quiet = run(*(["-q", *args] if where == "before" else [*args, "-q"]))
    assert quiet.code == loud.code == 1
    assert "SG201 group-leak error:" in quiet.out
    assert "rules," in loud.out and "rules," not in quiet.out  # no summary line
    assert "leakage (" in loud.out and "leakage (" not in quiet.out  # no headings
    # Each finding whole on its line, for a script to read.
    line = next(line for line in quiet.out.splitlines() if "SG201" in line)
    assert line.rstrip().endswith("rows in all.")


def test_quiet_stats_keeps_the_table_and_drops_the_footnote(run: Run, leaky: Path) -> None:
    loud = run("stats", leaky, *NIH[:4])
    quiet = run("stats", leaky, *NIH[:4], "-q")
    assert "pos_weight = negatives / positives" in " ".join(loud.out.split())
    assert "Nodule" in quiet.out and "PyTorch" not in quiet.out


def test_quiet_split_prints_no_progress_table_or_summary(
    run: Run, leaky: Path, tmp_path: Path
) -> None:
    result = run("split", leaky, *NIH[:4], "--id", "id", "--group", "patient",
                 "--fractions", "train=0.5,test=0.5", "--out", tmp_path / "out", "-q")  # fmt: skip
    assert result.code in (0, 1), result.err
    assert "Positive rows per class" not in result.out and "written to" not in result.out
    assert all(line.split()[0].startswith("SG") for line in result.out.splitlines())
    assert (tmp_path / "out" / "report.json").is_file()


def test_write_baseline_exits_0_and_says_how_many_and_where(run: Run, leaky: Path) -> None:
    baseline = leaky.parent / "baseline.json"
    result = _leaky_check(run, leaky, "--write-baseline", baseline)
    assert result.code == 0, result.err
    assert f"wrote 7 findings (1 error, 6 warnings) to {baseline}" in result.err
    assert _leaky_check(run, leaky, "--baseline", baseline).code == 0
    quiet = _leaky_check(run, leaky, "--write-baseline", baseline, "-q")
    assert quiet.code == 0 and quiet.err == ""


def _lines_fit(text: str, width: int) -> None:
    wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert not wide, f"{len(wide)} lines wider than {width}: {wide[:3]}"


def _whole_names(text: str, names: tuple[str, ...] | list[str]) -> None:
    lines = {line.strip() for line in text.splitlines()}
    words = text.split()
    for name in names:
        assert any(line.startswith(name + " ") or line == name for line in lines) or (
            name in words
        ), name
    assert "…" not in text


@pytest.mark.parametrize("columns", [None, "60", "200"])
def test_stats_on_nih_fits_the_log_with_every_class_whole(
    run: Run, nih_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    # No terminal and COLUMNS unset is CI's log: 80 columns.
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    result = run("stats", nih_path, *NIH)
    assert result.code == 0, result.err
    _lines_fit(result.out, int(columns or 80))
    _whole_names(result.out, list(NIH_CLASSES))
    assert "0.99…" not in result.out and "posit…" not in result.out


@pytest.fixture(scope="module")
def long_names(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A PadChest-like table: 190 classes with long names of several words."""
    rng = random.Random(0)
    words = ["pulmonary", "artery", "hypertension", "loculated", "pleural", "effusion",
             "calcified", "granuloma", "apical", "thickening", "vertebral", "compression",
             "fracture", "hiatal", "hernia", "ground", "glass", "costophrenic", "angle",
             "blunting", "mediastinal", "enlargement", "endotracheal", "tube"]  # fmt: skip
    names = {"pulmonary artery hypertension"}
    while len(names) < 190:
        names.add(" ".join(rng.sample(words, rng.choice([1, 2, 3]))))
    ordered = sorted(names)
    lines = ["id,patient,labels"]
    for i in range(3000):
        chosen = rng.sample(ordered, rng.choice([1, 1, 2, 3]))
        lines.append(f"i{i},p{i // 3},{'|'.join(chosen)}")
    path = tmp_path_factory.mktemp("padchest") / "padchest_like.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, ordered


@pytest.mark.parametrize("columns", [None, "60", "250"])
def test_long_class_names_stay_whole_at_every_width(
    run: Run,
    long_names: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    columns: str | None,
) -> None:
    path, names = long_names
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    width = int(columns or 80)
    options = ("--labels", "labels", "--sep", "|", "--id", "id", "--group", "patient")
    stats = run("stats", path, *options)
    assert stats.code == 0, stats.err
    _lines_fit(stats.out, width)
    # The terminal shows the 15 rarest and the 15 commonest classes (the json has all).
    labels = json.loads(run("stats", path, *options, "--format", "json").out)["labels"]
    ordered = [label["name"] for label in sorted(labels, key=lambda label: label["freq_pos"])]
    assert sorted(ordered) == names
    _whole_names(stats.out, ordered[:15] + ordered[-15:])
    assert "160 classes in between" in " ".join(stats.out.split())
    split = run("split", path, *options, "--out", tmp_path / "out")
    assert split.code in (0, 1), split.err
    _lines_fit(split.out, width)
    assert "pulmonary artery hypertension" in split.out or "classes in between" in split.out
    assert "…" not in split.out


def test_shortfall_of_a_prevalence_reads_as_a_percentage(run: Run, tmp_path: Path) -> None:
    rows = ["id,patient,labels"] + [
        f"r{i},p{i},{'Hernia' if i < 3 else 'Mass'}" for i in range(300)
    ]
    table = tmp_path / "t.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("split", table, "--labels", "labels", "--id", "id", "--group", "patient",
                 "--fractions", "train=0.5,test=0.5", "--min-prevalence", "test=0.0100785",
                 "--out", tmp_path / "out")  # fmt: skip
    text = " ".join(result.out.split())
    assert "shortfall: Hernia in test: min-prevalence 1.01% asked" in text, result.out
    assert "0.0100785" not in result.out
