"""A report of 5,000 classes: small pages that name the rarest classes, full CSVs beside.

The run is tagging_report.py's: 10,000 rows of bench/tagging_data.py's table declared
with all 5,000 classes, written through the app layer as `split` writes a run (so the
CSVs land in the manifest).
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from report.tagging_report import tagging_outcome

from splitguard.app.runs import write_outcome
from splitguard.cli.render import print_coverage, print_stats
from splitguard.core.class_stats import TableStats, table_stats
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.report.classes import by_prevalence
from splitguard.report.model import RunReport
from splitguard.report.stats_page import write_stats_reports

CLASSES = 5_000
MB = 1_000_000


@dataclass(frozen=True)
class Run:
    out: Path
    report: RunReport
    html: str
    markdown: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("tagging")
    outcome = tagging_outcome(folder, 10_000, CLASSES)
    out = folder / "out"
    written = write_outcome(outcome, out, force=False)
    assert written.failed == ()
    return Run(
        out,
        outcome.model,
        (out / "report.html").read_text(encoding="utf-8"),
        (out / "report.md").read_text(encoding="utf-8"),
    )


def test_the_pages_of_5000_classes_stay_small(run: Run) -> None:
    assert len(run.report.stats.labels) == CLASSES
    assert len(run.html.encode()) < 2 * MB
    assert len(run.markdown.encode()) < MB // 10


def test_the_rarest_and_commonest_classes_are_named_on_both_pages(run: Run) -> None:
    ranked = by_prevalence(run.report.stats)
    for label in [*ranked[:20], *ranked[-20:]]:
        assert label.name in run.html and label.name in run.markdown
    # A class from the middle of the list is in the CSV, not on the page.
    middle = ranked[len(ranked) // 2].name
    assert middle not in run.markdown and middle not in run.html
    assert "The 20 rarest of 5,000 classes, rarest first" in run.markdown
    assert "the 30 most and the 30 least frequent of 5,000 classes" in run.html


def test_the_sentences_are_counted_from_the_result(run: Run) -> None:
    stats: TableStats = run.report.stats
    rare = sum(label.positives < 10 for label in stats.labels)
    assert f"{rare:,} of the 5,000 classes have fewer than 10 positive rows." in run.markdown
    rarest = by_prevalence(stats)[-1]
    assert f"The rarest (positive rows): {rarest.name} ({rarest.positives:,})" in run.html
    # The distribution of the classes left out: per split, none / 1-9 / ... positive rows.
    for split in run.report.splits:
        entries = [e for e in run.report.coverage if e.split == split.name]
        none = sum(e.positives == 0 for e in entries)
        few = sum(1 <= e.positives <= 9 for e in entries)
        assert f"| {split.name} | {none:,} | {few:,} |" in run.markdown
    assert "4,960 classes in between are not shown here." in run.markdown
    # The absent class-split pairs named first are those of the commonest classes.
    totals = {label.name: label.positives for label in stats.labels}
    absent = [e for e in run.report.coverage if e.positives == 0 and totals[e.label]]
    first = max(absent, key=lambda e: totals[e.label])
    assert f"positive row (the commonest classes first): {first.label} in {first.split}," in (
        run.html
    )


def test_every_class_is_in_the_csvs_beside_the_report_and_the_manifest(run: Run) -> None:
    with (run.out / "classes.csv").open(encoding="utf-8", newline="") as file:
        classes = list(csv.DictReader(file))
    assert [row["class"] for row in classes] == list(run.report.input.classes)
    first = run.report.stats.labels[0]
    assert float(classes[0]["w_pos"]) == first.w_pos and int(classes[0]["positives"]) == (
        first.positives
    )
    with (run.out / "split_classes.csv").open(encoding="utf-8", newline="") as file:
        pairs = list(csv.DictReader(file))
    assert len(pairs) == CLASSES * len(run.report.splits)
    assert sum(int(row["positives"]) for row in pairs) == sum(
        e.positives for e in run.report.coverage
    )
    manifest = json.loads((run.out / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    for name in ("classes.csv", "split_classes.csv"):
        assert listed[name] == hashlib.sha256((run.out / name).read_bytes()).hexdigest()
        assert f'<a href="{name}">' in run.html
    assert "[classes.csv](classes.csv)" in run.markdown
    assert "[split\\_classes.csv](split_classes.csv)" in run.markdown


def test_the_shortfalls_table_shows_the_first_hundred(run: Run) -> None:
    shortfalls = run.report.shortfalls
    assert len(shortfalls) > 100
    assert f"{len(shortfalls) - 100:,} more rows are not shown; report.json has them all." in (
        run.markdown
    )


def test_a_stats_page_of_5000_classes_says_where_every_class_is(run: Run, tmp_path: Path) -> None:
    frame = load_frame(
        run.out / "train.parquet",
        LabelSpec(labels="labels", group=("patient",), classes=run.report.input.classes),
    )
    written = write_stats_reports(
        frame, table_stats(frame), html=str(tmp_path / "s.html"), markdown=str(tmp_path / "s.md")
    )
    assert written.failed == ()
    html = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert len(html.encode()) < 2 * MB
    assert "splitguard stats --format json prints every class." in html
    assert "splitguard stats --weights-out FILE writes every class" in html
    assert "classes.csv" not in html


def test_the_terminal_tables_show_the_two_ends_and_say_where_the_rest_are(
    run: Run, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    ranked = by_prevalence(run.report.stats)
    print_coverage(run.report)
    # The note under a table wraps at the table's width.
    coverage = capsys.readouterr().out
    assert len(coverage.splitlines()) < 50
    words = " ".join(coverage.split())
    assert "... 4,970 classes in between: split_classes.csv has them all" in words
    assert ranked[0].name in coverage and ranked[-1].name in coverage
    print_stats(run.report.stats)
    stats = capsys.readouterr().out
    assert len(stats.splitlines()) < 50
    words = " ".join(stats.split())
    assert "... 4,970 classes in between: splitguard stats --format json prints them all" in words
    # Rarest first, ties in the input's order.
    rarest = min(run.report.stats.labels, key=lambda label: label.freq_pos)
    assert ranked[0].name in stats and rarest.name in stats
