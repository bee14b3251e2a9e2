"""`splitguard stats INPUT`: class frequencies, imbalance and weighted-loss weights."""

from __future__ import annotations

import json
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
from splitguard.core.printable import printable

STATS_NAMES = ("format", "weights-out", "html", "markdown", "inputs")
# The schema rules that catch a wrong label option: counts read with the wrong --sep or
# without --none are meaningless, so stats says so beside them.
LABEL_OPTION_CODES = ("SG108", "SG109", "SG110")


@click.command("stats")
@click.argument("inputs", nargs=-1)
@input_options
@options("weights-out", "html", "markdown")
@click.option(
    "--format",
    type=click.Choice(["text", "json"]),
    default=None,
    help="Output format (text: a table; json: a stable shape for scripts).",
)
def stats_command(inputs: tuple[str, ...], **kwargs: Any) -> None:
    """Class frequencies, positive/negative shares and the weighted-loss weights.

    w_pos = freq_neg and w_neg = freq_pos make positives and negatives of each class
    contribute equally to a weighted cross-entropy; pos_weight = negatives / positives
    is the same balance as PyTorch's BCEWithLogitsLoss takes it.
    """
    from splitguard.core.class_stats import table_stats

    values, config = settings(kwargs, *INPUT_NAMES, *STATS_NAMES, "classes")
    if values["format"] not in ("text", "json"):
        # The `format` key is shared with check, which has more formats than stats.
        raise OptionError(
            f"{config.path}: key 'format' {values['format']!r} is not a stats format; "
            "stats takes text or json (pass --format text or --format json)."
        )
    from splitguard.cli.run_view import finding_lines, report_notes
    from splitguard.lint.engine import lint
    from splitguard.report.output import Written

    guard_outputs(inputs, values, config, "weights-out", "html", "markdown")
    frame = load(inputs, values)
    result = table_stats(frame)
    hints = [f.as_dict() for f in lint(frame, {"select": LABEL_OPTION_CODES}).findings]
    notes = [f"splitguard: {line.strip()}" for line in finding_lines(hints)]
    written = Written()
    if values["weights-out"]:
        write_json(values["weights-out"], result.weights())
        written = Written((Path(values["weights-out"]),))
    if values["html"] or values["markdown"]:
        from splitguard.report.stats_page import write_stats_reports

        reports = write_stats_reports(
            frame, result, html=values["html"], markdown=values["markdown"]
        )
        written = Written((*written.paths, *reports.paths), reports.failed)
    notes += report_notes(written)
    if values["format"] == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        from splitguard.cli.render import print_stats

        print_stats(result)
    for note in notes:
        click.echo(printable(note), err=True)
