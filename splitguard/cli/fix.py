"""`splitguard fix SPLIT=PATH ... --out DIR`: repair existing splits, keeping their sizes."""

from __future__ import annotations

from typing import Any

import click

from splitguard.app.requests import FIX_NAMES
from splitguard.cli.common import INPUT_NAMES, input_options, load, options, settings
from splitguard.core.errors import OptionError


@click.command("fix")
@click.argument("inputs", nargs=-1)
@input_options
@options(*FIX_NAMES)
def fix_command(inputs: tuple[str, ...], **kwargs: Any) -> None:
    """Repair existing splits: leaked groups go whole to one split, every split stays
    within 1 point of its share (its input share, or --fractions) with the fewest rows
    moved and class shares kept, then classes below --min-positives (a count, or a percent
    of the class: test=50%) / --min-positive-groups are topped up, aimed by --min-classes
    all|rare|A,B; train keeps at least --train-floor (40%) of every class's positives.
    A minimum not met is an SG306 error. --fewest-moves moves only the leaked groups
    (each to the split holding most of its rows) and lets sizes drift.

    Writes DIR/<split>.parquet, DIR/report.json (every moved group: from, to, rows),
    DIR/report.html, DIR/report.md and DIR/manifest.json, atomically.
    """
    from splitguard.app.fix import run_fix
    from splitguard.app.requests import fix_request
    from splitguard.cli.run_view import run_and_print

    values, _ = settings(kwargs, *INPUT_NAMES, *FIX_NAMES, "classes", "inputs")
    if not values["out"]:
        raise OptionError("give --out DIR: the directory to write the repaired splits into.")
    request = fix_request(values)
    if values["engine"] == "spark":
        raise OptionError(
            "fix --engine spark is not available in this version: the repair reads the "
            "splits in memory. Leave out --engine (or pass --engine memory)."
        )
    status = run_and_print(
        values["out"],
        lambda progress: run_fix(request, lambda: load(inputs, values), progress=progress),
        force=bool(values["force"]),
    )
    raise SystemExit(status)
