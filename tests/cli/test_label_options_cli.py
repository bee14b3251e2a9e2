"""Wrong label options and odd label cells, caught from the command line on NIH tables.

The reproductions of issue 9: `--sep ","` on `|`-separated labels, NIH without
`--none`, a wide NIH table with one `yes`, a list NIH table with one bare string.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from splitguard.core.frame import LabelFrame

IDS = ("--id", "Image Index", "--group", "Patient ID")
STRAY_ROW = 4_321  # a table row (0-based); its file row is one more


def flat(text: str) -> str:
    """Text output with its wrapping undone (findings wrap to the terminal's width)."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def wide_nih(nih_frame: LabelFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """NIH as one 0/1 column per class, with `yes` instead of `1` in one Mass cell."""
    import pyarrow as pa
    import pyarrow.csv as csv

    columns: dict[str, Any] = {
        "Image Index": nih_frame.table.column("Image Index"),
        "Patient ID": nih_frame.table.column("Patient ID"),
    }
    for index, name in enumerate(nih_frame.classes):
        cells = nih_frame.labels.toarray()[:, index].astype(int).astype(str).astype(object)
        if name == "Mass":
            cells[STRAY_ROW] = "yes" if cells[STRAY_ROW] == "1" else "no"
        columns[name] = pa.array(cells, pa.string())
    path = tmp_path_factory.mktemp("wide") / "wide.csv"
    csv.write_csv(pa.table(columns), path)
    return path


@pytest.fixture(scope="module")
def list_nih(nih_frame: LabelFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """NIH with its labels as JSON lists, but one cell left as `Mass|Nodule`."""
    import pyarrow as pa
    import pyarrow.csv as csv

    classes = list(nih_frame.classes)
    cells = [
        json.dumps([classes[j] for j in row.nonzero()[0]]) for row in nih_frame.labels.toarray()
    ]
    cells[STRAY_ROW] = "Mass|Nodule"
    table = pa.table(
        {
            "Image Index": nih_frame.table.column("Image Index"),
            "Patient ID": nih_frame.table.column("Patient ID"),
            "labels": pa.array(cells, pa.string()),
        }
    )
    path = tmp_path_factory.mktemp("lists") / "lists.csv"
    csv.write_csv(table, path)
    return path


def wide_args(frame: LabelFrame) -> tuple[str, ...]:
    return ("--label-cols", ",".join(frame.classes), *IDS)


def test_check_names_the_separator_the_labels_use(run: Callable[..., Any], nih_path: Path) -> None:
    result = run("check", nih_path, "--labels", "Finding Labels", "--sep", ",",
                 "--none", "No Finding", *IDS)  # fmt: skip
    assert "SG108" in result.out
    assert "with --sep '|' the table has 14 classes, not 835" in flat(result.out)


def test_stats_warns_of_the_separator_and_its_report_renders_835_classes(
    run: Callable[..., Any], nih_path: Path, tmp_path: Path
) -> None:
    html, markdown = tmp_path / "stats.html", tmp_path / "stats.md"
    result = run("stats", nih_path, "--labels", "Finding Labels", "--sep", ",",
                 "--none", "No Finding", *IDS, "--html", html, "--markdown", markdown)  # fmt: skip
    assert result.code == 0, result.err
    assert "SG108" in result.err and "--sep '|'" in result.err
    assert html.read_text(encoding="utf-8").count("<svg") == 3
    assert f"splitguard: wrote {markdown}, {html}" in result.err


def test_check_and_stats_suggest_none_for_no_finding(
    run: Callable[..., Any], nih_path: Path
) -> None:
    options = ("--labels", "Finding Labels", "--sep", "|", *IDS)
    hint = "class 'No Finding' is the most frequent (60,361 rows, 53.8%)"
    checked = run("check", nih_path, *options)
    assert "SG109" in checked.out and hint in flat(checked.out)
    assert 'pass --none "No Finding"' in flat(checked.out)
    stats = run("stats", nih_path, *options, "--format", "json")
    assert stats.code == 0 and "SG109" in stats.err and hint in stats.err
    json.loads(stats.out)  # the hint stays off stdout


def test_split_without_none_says_so_and_lists_what_it_wrote(
    run: Callable[..., Any], nih_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run("split", nih_path, "--labels", "Finding Labels", "--sep", "|", *IDS,
                 "--out", out)  # fmt: skip
    assert result.code == 0, result.err
    assert "SG109 warning: class 'No Finding'" in result.out
    listed = result.out.split("written to", 1)[1].split(":", 1)[1]
    names = [name.strip() for name in listed.replace("\n", " ").split(",")]
    assert sorted(names) == sorted(path.name for path in out.iterdir())


def test_a_stray_yes_in_a_wide_column_is_named(
    run: Callable[..., Any], wide_nih: Path, nih_frame: LabelFrame, tmp_path: Path
) -> None:
    args = wide_args(nih_frame)
    where = f"wide.csv, row {STRAY_ROW + 1})"
    checked = run("check", wide_nih, *args)
    assert checked.code == 0, checked.err
    assert "SG110" in checked.out and "column 'Mass' writes its labels as 1/0" in checked.out
    assert where in checked.out.replace("\n", "")
    stats = run("stats", wide_nih, *args)
    assert "SG110" in stats.err and where in stats.err
    split = run("split", wide_nih, *args, "--out", tmp_path / "out")
    assert split.code == 0, split.err
    assert "SG110 warning: column 'Mass'" in split.out


def test_a_bare_string_in_a_list_column(
    run: Callable[..., Any], list_nih: Path, tmp_path: Path
) -> None:
    args = ("--labels", "labels", *IDS)
    split = run("split", list_nih, *args, "--out", tmp_path / "out")
    assert split.code == 2
    assert f"lists.csv, row {STRAY_ROW + 1}: column 'labels' holds lists" in split.err
    assert "'Mass|Nodule', not a list" in split.err
    assert not (tmp_path / "out").exists()
    checked = run("check", list_nih, *args)
    assert checked.code == 1
    assert "SG111" in checked.out and f"lists.csv, row {STRAY_ROW + 1})" in flat(checked.out)
