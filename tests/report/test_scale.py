"""A report of any number of classes: the charts draw the two ends, the tables keep all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from report.nih_report import nih_report
from report.page import read_page

from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.report.scale import ends, short_name
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
    assert "Classes by their number of positive rows" in titles and len(titles) == 5
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "the 30 most and the 30 least frequent of 1,000 classes" in html
    # Every class is still in the tables, folded away.
    assert "<details><summary>" in html and "number 0999" in html
