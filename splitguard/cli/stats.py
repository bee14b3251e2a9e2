"""`splitguard stats INPUT`: class frequencies, imbalance and weighted-loss weights."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from splitguard.cli.common import INPUT_NAMES, input_options, load, options, parse_inputs, settings
from splitguard.core.errors import OptionError
from splitguard.core.printable import printable

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
    from splitguard.app.stats import StatsOutputs, run_stats
    from splitguard.cli.run_view import finding_lines, report_notes

    values, config = settings(kwargs, *INPUT_NAMES, *STATS_NAMES, "classes")
    if values["format"] not in ("text", "json"):
        # The `format` key is shared with check, which has more formats than stats.
        raise OptionError(
            f"{config.path}: key 'format' {values['format']!r} is not a stats format; "
            "stats takes text or json (pass --format text or --format json)."
        )
    tables = [Path(path) for _, path in parse_inputs(inputs, values["inputs"])]
    outcome = run_stats(
        lambda: load(inputs, values),
        outputs=StatsOutputs(values["weights-out"], values["html"], values["markdown"]),
        reads=[*tables, *([config.path] if config.path else [])],
    )
    hints = [f.as_dict() for f in outcome.hints]
    notes = [f"splitguard: {line.strip()}" for line in finding_lines(hints)]
    notes += report_notes(outcome.written)
    if values["format"] == "json":
        click.echo(json.dumps(outcome.stats.as_dict(), indent=2))
    else:
        from splitguard.cli.render import print_stats

        print_stats(outcome.stats)
    for note in notes:
        click.echo(printable(note), err=True)
