"""A report of any number of classes: the charts draw the two ends, the tables keep all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from report.nih_report import nih_report
from report.page import read_page

from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.report.scale import TABLE_CLASSES, ends, short_name
from splitguard.report.split_page import write_split_reports


def test_a_short_list_is_drawn_whole_most_frequent_on_top() -> None:
    drawn = ends(5)
    assert drawn.positions == (4, 3, 2, 1, 0)
    assert drawn.gap_at is None and drawn.omitted == 0 and drawn.note() == ""


def test_a_long_list_is_drawn_as_its_two_ends() -> None:
    drawn = ends(835)
    assert drawn.positions[:2] == (834, 833) and drawn.positions[-2:] == (1, 0)
    assert len(drawn.positions) == 60 and drawn.gap_at == 30 and drawn.omitted == 775
    assert "the 30 most and the 30 least frequent of 835 classes" in drawn.note()


def test_long_names_are_cut_on_the_axis() -> None:
    name = "Atelectasis|Cardiomegaly|Effusion|Infiltration|Mass|Nodule"
    assert short_name(name) == name[:39] + "…" and len(short_name(name)) == 40
    assert short_name("Mass") == "Mass"


def test_a_thousand_classes_with_long_names_render(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    lines = ["id,patient,labels"]
    for row in range(3_000):
        numbers = [row % 1000, *rng.integers(0, 1000, 2)]
        names = {f"a fairly long class name, number {n:04d}" for n in numbers}
        lines.append(f'r{row},p{row // 2},"{"|".join(sorted(names))}"')
    table = tmp_path / "many.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = load_frame(table, LabelSpec(labels="labels", sep="|", id="id", group=("patient",)))
    assert frame.n_classes == 1_000
    written = write_split_reports(tmp_path, nih_report(frame), {})
    assert written.failed == ()
    page = read_page((tmp_path / "report.html").read_text(encoding="utf-8"))
    titles = [chart.title for chart in page.charts]
    assert "Classes by their number of positive rows" in titles
    assert "Classes by their positive rows in each split" in titles and len(titles) == 6
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "the 30 most and the 30 least frequent of 1,000 classes" in html
    # The tables keep the two ends; classes.csv has every class.
    assert "The 20 rarest of 1,000 classes, rarest first" in html
    assert "960 classes in between are not shown here." in html
    assert '<a href="classes.csv">classes.csv</a>' in html


def test_a_few_hundred_classes_keep_every_row_folded_away(tmp_path: Path) -> None:
    lines = ["id,patient,labels"]
    lines += [f"r{row},p{row // 2},c{row % 300:03d}" for row in range(1_200)]
    table = tmp_path / "some.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = load_frame(table, LabelSpec(labels="labels", id="id", group=("patient",)))
    assert frame.n_classes == TABLE_CLASSES
    write_split_reports(tmp_path, nih_report(frame), {})
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "the 30 most and the 30 least frequent of 300 classes" in html
    assert "in the table below" in html and "classes.csv" not in html
    assert all(f">c{k:03d}<" in html for k in range(300))
