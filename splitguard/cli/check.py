"""`splitguard check [SPLIT=PATH ...] [PATH]`: run the rules; the CI gate and pre-commit hook."""

from __future__ import annotations

import sys
from typing import Any

import click

from splitguard.cli.common import (
    INPUT_NAMES,
    guard_outputs,
    input_options,
    load,
    options,
    settings,
    write_json,
)
from splitguard.core.errors import OptionError
from splitguard.core.options import CHECK_OPTIONS
from splitguard.core.printable import printable

CHECK_NAMES = tuple(option.name for option in CHECK_OPTIONS)
CLI_NAMES = tuple(option.name for option in CHECK_OPTIONS if option.cli)


@click.command("check")
@click.argument("inputs", nargs=-1)
@input_options
@options(*CLI_NAMES)
def check_command(inputs: tuple[str, ...], **kwargs: Any) -> None:
    """Run the rules on a label table and its splits; print the findings.

    INPUTS are SPLIT=PATH pairs (train=a.csv val=b.csv test=c.csv), or one table (with
    --split-col to name each row's split, or without splits: schema and imbalance rules
    only). Without INPUTS, the config file's `inputs` are read.

    Exit status: 0 clean, 1 findings at or above --fail-on, 2 the check could not run.
    """
    from splitguard.lint.engine import exit_status, lint

    values, config = settings(kwargs, *INPUT_NAMES, *CHECK_NAMES, "classes")
    if not inputs and values["inputs"] is None:
        raise OptionError(_no_inputs(config.path))
    guard_outputs(inputs, values, config, "write-baseline", "html", "markdown")
    frame = load(inputs, values, strict=False)
    result = lint(frame, values)
    if values["html"] or values["markdown"]:
        _write_reports(frame, result.as_dict(), values["html"], values["markdown"])
    _print(result, values["format"], statistics=values["statistics"])
    if values["write-baseline"]:
        # Recording today's findings is the job done, not a failed gate (ruff's --add-noqa).
        _write_baseline(values["write-baseline"], (*result.findings, *result.accepted))
        sys.exit(0)
    status = exit_status(result.findings, values["fail-on"], values["exit-zero"])
    sys.exit(status)


def _write_baseline(path: str, findings: tuple[Any, ...]) -> None:
    """Write the baseline file; say how many findings it holds (by severity) and where."""
    from splitguard.cli.flags import quiet
    from splitguard.cli.run_view import severity_counts
    from splitguard.core.wording import counted
    from splitguard.lint.baseline import baseline_payload

    write_json(path, baseline_payload(findings))
    if quiet():
        return
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


def _print(result: Any, format_name: str, *, statistics: bool) -> None:
    from splitguard.cli.flags import quiet
    from splitguard.cli.render import console

    if format_name == "text":
        from splitguard.lint.formats.text import print_result

        print_result(result, console(), statistics=statistics, quiet=quiet())
        return
    from splitguard.lint.formats import render

    click.echo(render(result, format_name))
    if statistics:
        from rich.console import Console

        from splitguard.lint.formats.text import print_statistics

        print_statistics(result, Console(stderr=True, highlight=False))


def _write_reports(
    frame: Any, payload: dict[str, Any], html: str | None, markdown: str | None
) -> None:
    try:
        from splitguard.report.check_page import write_check_reports
    except ImportError:
        click.echo("splitguard: the HTML/Markdown check report is not available yet.", err=True)
        return
    from splitguard.cli.run_view import report_notes

    written = write_check_reports(frame, payload, html=html, markdown=markdown)
    for note in report_notes(written):
        click.echo(printable(note), err=True)
