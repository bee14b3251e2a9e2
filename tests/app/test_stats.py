"""The stats run and `splitguard.stats(...)`: a per-class DataFrame, the files written."""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path

import click
import pytest

import splitguard
from splitguard.app.stats import STATS_COLUMNS, StatsOutputs, run_stats, stats
from splitguard.core.errors import OptionError
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec

WIDE = "id,patient,Mass,Hernia,Nodule\na,p1,1,0,0\nb,p2,1,1,0\nc,p3,0,0,0\nd,p4,1,0,0\n"


@pytest.fixture
def wide(tmp_path: Path) -> Path:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE)
    return path


def test_stats_is_a_per_class_data_frame(wide: Path) -> None:
    table = stats(wide, label_cols="Mass,Hernia,Nodule", id="id", group="patient")
    assert list(table.columns) == list(STATS_COLUMNS)
    assert list(table.index) == ["Hernia", "Mass", "Nodule"]
    assert table.index.name == "class"
    assert table.loc["Mass", "positives"] == 3
    assert table.loc["Hernia", "freq_pos"] == 0.25
    assert table.loc["Hernia", "w_pos"] == 0.75
    assert table.loc["Hernia", "pos_weight"] == 3.0
    assert math.isnan(table.loc["Nodule", "pos_weight"])  # no positive: no ratio
    assert splitguard.stats is stats


def test_stats_of_the_nih_table_match_the_command(
    nih_path: Path, nih_args: tuple[str, ...]
) -> None:
    table = stats(nih_path, labels="Finding Labels", sep="|", none="No Finding", group="Patient ID")
    assert table.loc["Hernia", "positives"] == 227
    assert round(table.loc["Hernia", "pos_weight"], 1) == 492.9
    assert len(table) == 14


def test_a_bad_keyword_is_the_cli_s_error(wide: Path) -> None:
    with pytest.raises(OptionError, match="uncertain 'maybe' is not allowed"):
        stats(wide, label_cols="Mass", uncertain="maybe")


def test_keywords_are_the_stats_command_s_long_options() -> None:
    from splitguard.cli.stats import stats_command

    flags = {
        option.removeprefix("--").replace("-", "_")
        for param in stats_command.params
        if isinstance(param, click.Option)
        for option in param.opts
        if option.startswith("--")
    }
    keywords = set(inspect.signature(stats).parameters) - {"data", "config", "classes"}
    # The global flags (cli/flags.py) join every command once the group is built.
    assert keywords == flags - {"format", "config", "debug", "quiet", "version"}


def test_run_stats_writes_the_weights_and_names_the_label_option_hints(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("id,labels\na,Mass;Nodule\nb,Mass\nc,Nodule\n")
    weights = tmp_path / "weights.json"
    outcome = run_stats(
        lambda: load_frame(table, LabelSpec(labels="labels", id="id"), strict=False),
        outputs=StatsOutputs(weights_out=str(weights)),
        reads=[table],
    )
    assert outcome.written.paths == (weights,)
    assert json.loads(weights.read_text())["classes"] == [s.name for s in outcome.stats.labels]
    assert [f.code for f in outcome.hints] == ["SG108"]  # no --sep, and ';' splits
