"""`splitguard check [SPLIT=PATH ...] [PATH]`: run the rules; the CI gate and pre-commit hook."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from splitguard.cli.common import input_options, load, options, parse_inputs, settings
from splitguard.core.errors import OptionError
from splitguard.core.options import COMMAND_OPTIONS, EVALUATION_OPTIONS
from splitguard.core.printable import printable
from splitguard.lint.config import LINT_OPTIONS
from splitguard.lint.formats import Format, View, format_named
from splitguard.rules.coverage_drift import DRIFT_TOLERANCE, SIZE_TOLERANCE
from splitguard.rules.leakage_keys import HASH_COL
from splitguard.rules.user_schema import SCHEMA

# Every option of check with a flag, in --help order; the built-in rules' own options
# have flags, a plugin rule's options are set with --config KEY=VALUE or in the file.
CHECK_OPTIONS = (
    *LINT_OPTIONS,
    *COMMAND_OPTIONS,
    HASH_COL,
    *EVALUATION_OPTIONS,
    DRIFT_TOLERANCE,
    SIZE_TOLERANCE,
    SCHEMA,
)
CLI_NAMES = tuple(o.name for o in CHECK_OPTIONS if o.cli and o.name != "weights-out")


# click >= 8.2 types ParamType by its values; 8.1, which we support, cannot subscript it.
class FormatName(click.ParamType):  # type: ignore[type-arg]
    """`--format NAME`: any installed format; the help lists them (read only when shown)."""

    name = "format"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        from splitguard.lint.formats import registered_formats

        return "|".join(registered_formats())


@click.command("check")
@click.argument("inputs", nargs=-1)
@input_options
@options(*CLI_NAMES)
@click.option("--format", type=FormatName(), default=None, help="Output format.")
def check_command(inputs: tuple[str, ...], **kwargs: Any) -> None:
    """Run the rules on a label table and its splits; print the findings.

    INPUTS are SPLIT=PATH pairs (train=a.csv val=b.csv test=c.csv), or one table (with
    --split-col to name each row's split, or without splits: schema and imbalance rules
    only). Without INPUTS, the config file's `inputs` are read.

    Exit status: 0 clean, 1 findings at or above --fail-on, 2 the check could not run.
    """
    from splitguard.app.check import CheckOutputs, run_check
    from splitguard.cli.progress import steps
    from splitguard.lint.config import LintConfig
    from splitguard.rules.registry import registered_options

    values, config = settings(kwargs, *registered_options())
    if not inputs and values["inputs"] is None:
        raise OptionError(_no_inputs(config.path))
    # Before any work: a format that is not installed, a root that is not a folder.
    chosen = format_named(values["format"])
    from splitguard.cli.flags import quiet

    view = View(_root(values["root"]), values["statistics"], quiet())
    given = parse_inputs(inputs, values["inputs"])
    tables = [Path(path) for _, path in given]
    with steps(3) as advance:
        outcome = run_check(
            _reader(inputs, given, values),
            LintConfig.of(values),
            outputs=CheckOutputs(values["write-baseline"], values["html"], values["markdown"]),
            exit_zero=values["exit-zero"],
            root=view.root,
            reads=[*tables, *([config.path] if config.path else [])],
            progress=advance,
        )
    if outcome.baseline is not None and not view.quiet:
        _baseline_written(outcome.baseline, (*outcome.result.findings, *outcome.result.accepted))
    if outcome.reports is not None:
        from splitguard.cli.run_view import report_notes

        for note in report_notes(outcome.reports):
            click.echo(printable(note), err=True)
    _print(outcome.result, chosen, view)
    sys.exit(outcome.exit_status)


def _reader(
    inputs: tuple[str, ...], given: list[tuple[str | None, str]], values: dict[str, Any]
) -> Callable[[], Any]:
    """What reads the inputs: the loader, or with --engine spark Spark's counts and sample."""
    if values["engine"] != "spark":
        return lambda: load(inputs, values, strict=False)
    from splitguard.core.options import label_spec
    from splitguard.spark.lint import spark_reader

    data: Any = given if any(split is not None for split, _ in given) else given[0][1]
    return spark_reader(data, values, label_spec(values))


def _baseline_written(path: Path, findings: tuple[Any, ...]) -> None:
    """Say how many findings the baseline holds (by severity) and where."""
    from splitguard.cli.run_view import severity_counts
    from splitguard.core.wording import counted

    by_severity = f" ({severity_counts([f.as_dict() for f in findings])})" if findings else ""
    click.echo(
        printable(
            f"splitguard: wrote {counted(len(findings), 'finding')}{by_severity} to {path}; "
            f"`--baseline {path}` accepts them from now on."
        ),
        err=True,
    )


def minimal_config(table: str) -> str:
    """The fewest keys check needs, under `table` ("" for splitguard.toml)."""
    head = f"    [{table}]\n" if table else ""
    return (
        f"{head}"
        '    labels = "Finding Labels"   # the label column (or label-cols, or long)\n'
        '    sep = "|"\n'
        '    group = "Patient ID"        # rows sharing it must not cross splits\n'
        f"    [{table + '.' if table else ''}inputs]\n"
        '    train = "splits/train.csv"\n'
        '    test = "splits/test.csv"\n'
    )


def _no_inputs(config_path: Any) -> str:
    """What to do when check has nothing to read: the pre-commit hook's first run."""
    if config_path is None:
        keys = minimal_config("")
        where = (
            "no input given and no config file found (splitguard.toml, or [tool.splitguard] "
            "in pyproject.toml, here or above). Create splitguard.toml beside your data with"
        )
    else:
        keys = minimal_config("tool.splitguard" if config_path.name == "pyproject.toml" else "")
        where = f"{config_path} sets no `inputs` and none were given. Add to it"
    return (
        f"{where} at least:\n{keys}"
        "or give the tables on the command line: splitguard check train=a.csv test=b.csv "
        "--labels COL."
    )


def _root(root: str | None) -> Path | None:
    if root is not None and not Path(root).is_dir():
        raise OptionError(
            f"--root {root}: no such folder. Give the repository root, the folder that the "
            "paths in findings are relative to."
        )
    return None if root is None else Path(root)


def _print(result: Any, chosen: Format, view: View) -> None:
    from splitguard.cli.render import console, print_lines

    lines = chosen.styled(result, view)
    if lines is None:
        click.echo(chosen.render(result, view))
    else:
        print_lines(console(), lines)
    if not chosen.for_people:
        root = str(view.root) if view.root is not None else "the current folder"
        for file in view.outside(result):
            click.echo(
                printable(
                    f"splitguard: {file} is outside the repository root ({root}): its findings "
                    "name it as given, and a pull request cannot attach them to it. Run from "
                    "the repository root or pass --root."
                ),
                err=True,
            )
    if view.statistics and not chosen.for_people:
        from rich.console import Console

        from splitguard.lint.formats.text import statistics_lines

        print_lines(Console(stderr=True, highlight=False), statistics_lines(result))
