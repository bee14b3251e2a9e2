"""`splitguard stats INPUT`: class frequencies, imbalance and weighted-loss weights."""

from __future__ import annotations

import json
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
from splitguard.errors import OptionError

STATS_NAMES = ("format", "weights-out", "html", "markdown", "inputs")


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
    from splitguard.stats import table_stats

    values, config = settings(kwargs, *INPUT_NAMES, *STATS_NAMES, "classes")
    if values["format"] not in ("text", "json"):
        # The `format` key is shared with check, which has more formats than stats.
        raise OptionError(
            f"{config.path}: key 'format' {values['format']!r} is not a stats format; "
            "stats takes text or json (pass --format text or --format json)."
        )
    guard_outputs(inputs, values, config, "weights-out", "html", "markdown")
    frame = load(inputs, values)
    result = table_stats(frame)
    if values["weights-out"]:
        write_json(values["weights-out"], result.weights())
    if values["html"] or values["markdown"]:
        from splitguard.report.stats import write_stats_reports

        write_stats_reports(frame, result, html=values["html"], markdown=values["markdown"])
    if values["format"] == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        from splitguard.cli.render import print_stats

        print_stats(result)
