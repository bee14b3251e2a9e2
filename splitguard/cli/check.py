"""`splitguard check [SPLIT=PATH ...] [PATH]`: run the rules; the CI gate and pre-commit hook."""

from __future__ import annotations

import sys
from pathlib import Path
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
from splitguard.lint.formats import Format, View, format_named

CHECK_NAMES = tuple(option.name for option in CHECK_OPTIONS)
CLI_NAMES = tuple(option.name for option in CHECK_OPTIONS if option.cli)


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
    from splitguard.lint.engine import exit_status, lint

    values, config = settings(kwargs, *INPUT_NAMES, *CHECK_NAMES, "classes")
    if not inputs and values["inputs"] is None:
        raise OptionError(_no_inputs(config.path))
    # Before any work: a format that is not installed, a root that is not a folder.
    chosen = format_named(values["format"])
    view = View(_root(values["root"]), values["statistics"])
    guard_outputs(inputs, values, config, "write-baseline", "html", "markdown")
    frame = load(inputs, values, strict=False)
    result = lint(frame, values)
    if values["write-baseline"]:
        from splitguard.lint.baseline import baseline_payload

        write_json(values["write-baseline"], baseline_payload((*result.findings, *result.accepted)))
        click.echo(printable(f"splitguard: wrote {values['write-baseline']}"), err=True)
    if values["html"] or values["markdown"]:
        _write_reports(frame, view.shown(result).as_dict(), values["html"], values["markdown"])
    _print(result, chosen, view)
    status = exit_status(result.findings, values["fail-on"], values["exit-zero"])
    sys.exit(status)


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
