"""The check run and `splitguard.check(...)`: the outcome, the keywords, the files written."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

import splitguard
from splitguard.app.check import CheckOutputs, check, run_check
from splitguard.core.errors import EXIT_FAIL, EXIT_SUCCESS, OptionError, OutputError
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.lint.config import LintConfig

TRAIN = "id,patient,labels\na,p1,Mass\nb,p2,Hernia\nc,p3,Mass\n"
TEST = "id,patient,labels\nd,p1,Mass\ne,p4,Mass\n"
READ = {"labels": "labels", "sep": "|", "id": "id", "group": "patient"}


@pytest.fixture
def leaky(tmp_path: Path) -> list[tuple[str, Path]]:
    (tmp_path / "train.csv").write_text(TRAIN)
    (tmp_path / "test.csv").write_text(TEST)
    return [("train", tmp_path / "train.csv"), ("test", tmp_path / "test.csv")]


def test_check_returns_the_findings_and_the_exit_status(leaky: list[tuple[str, Path]]) -> None:
    outcome = check(leaky, **READ, select=["SG201", "SG301"])
    assert [f.code for f in outcome.findings] == ["SG201", "SG301"]
    assert outcome.exit_status == EXIT_FAIL
    assert check(leaky, **READ, select="SG2", exit_zero=True).exit_status == EXIT_SUCCESS
    assert check(leaky, **READ, ignore=["SG2", "SG3"]).exit_status == EXIT_SUCCESS


def test_check_is_the_package_s_public_name() -> None:
    assert splitguard.check is check


def test_keyword_values_are_read_as_the_cli_reads_them(leaky: list[tuple[str, Path]]) -> None:
    # `min_positives="train=5"` is `--min-positives train=5`; a dict is the config's table.
    as_text = check(leaky, **READ, select="SG306", min_positives="train=5")
    as_table = check(leaky, **READ, select="SG306", min_positives={"train": 5})
    assert [f.message for f in as_text.findings] == [f.message for f in as_table.findings]
    assert len(as_text.findings) == 2


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"min_positives": "test"}, "min_positives takes SPLIT=VALUE pairs"),
        ({"fail_on": "fatal"}, "fail_on 'fatal' is not allowed; use one of error, warning, info"),
        ({"drift_tolerance": 2}, "drift_tolerance takes a number from 0 to 1, not 2"),
        ({"select": ["SG999"]}, "--select names 'SG999', which is no rule code"),
        ({"config": {"min-positive": "test=3"}}, "config key 'min-positive' is no option"),
    ],
)
def test_a_bad_keyword_is_the_cli_s_error_naming_the_keyword(
    leaky: list[tuple[str, Path]], keywords: dict[str, object], message: str
) -> None:
    with pytest.raises(OptionError, match=message):
        check(leaky, **READ, **keywords)  # type: ignore[arg-type]


def test_keywords_are_the_check_command_s_long_options() -> None:
    from splitguard.cli.check import check_command
    from splitguard.rules.registry import registered_options

    # The global flags (cli/flags.py) join every command once the group is built.
    printing_only = {"format", "statistics", "config", "debug", "quiet", "version"}
    # The engine is the function called (splitguard.spark for Spark), not a keyword.
    printing_only.add("engine")
    flags = {
        option.removeprefix("--").replace("-", "_")
        for param in check_command.params
        if isinstance(param, click.Option)
        for option in param.opts
        if option.startswith("--")
    }
    # Keys with no flag of their own (`data` stands for `inputs`).
    keys_only = {o.keyword for o in registered_options().values() if not o.cli} - {
        "inputs",
        "format",
    }
    keywords = set(inspect.signature(check).parameters) - {"data", "config"}
    assert keywords == (flags - printing_only) | keys_only


def test_a_config_file_sets_what_the_keywords_do_not(
    leaky: list[tuple[str, Path]], tmp_path: Path
) -> None:
    config = tmp_path / "splitguard.toml"
    config.write_text(
        'labels = "labels"\nsep = "|"\nid = "id"\ngroup = "patient"\nselect = "SG2"\n'
    )
    assert [f.code for f in check(leaky, config=config).findings] == ["SG201"]
    assert check(leaky, config=config, select="SG4").findings == ()


def test_files_are_written_and_inputs_never_replaced(
    leaky: list[tuple[str, Path]], tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.json"
    outcome = check(leaky, **READ, write_baseline=baseline, markdown=tmp_path / "check.md")
    assert outcome.baseline == baseline
    assert len(json.loads(baseline.read_text())["findings"]) == len(outcome.findings)
    assert outcome.reports is not None and outcome.reports.paths == (tmp_path / "check.md",)
    accepted = check(leaky, **READ, baseline=baseline)
    assert accepted.findings == () and accepted.exit_status == EXIT_SUCCESS
    with pytest.raises(OutputError, match="never writes over its input"):
        check(leaky, **READ, html=leaky[0][1])
    assert leaky[0][1].read_text() == TRAIN


def test_run_check_reports_its_steps(leaky: list[tuple[str, Path]]) -> None:
    spec = LabelSpec(labels="labels", sep="|", id="id", group=("patient",))
    steps: list[str] = []
    outcome = run_check(
        lambda: load_frame(leaky, spec, strict=False),
        LintConfig(select=("SG201",), fail_on="warning"),
        outputs=CheckOutputs(),
        progress=steps.append,
    )
    assert steps == ["reading the table", "running the rules"]
    assert outcome.result.fail_on == "warning"
    assert [f.code for f in outcome.result.failing] == ["SG201"]


def test_the_check_path_imports_neither_pandas_nor_click(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(TRAIN)
    code = (
        "import sys, splitguard; "
        f"splitguard.check({str(tmp_path / 't.csv')!r}, labels='labels', sep='|', id='id'); "
        "print(sorted({'pandas', 'pandera', 'click', 'rich'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_spark_engine_is_asked_of_splitguard_spark(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match=r"call splitguard\.spark\.check"):
        check(tmp_path / "x.csv", labels="y", config={"engine": "spark"})
