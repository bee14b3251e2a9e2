"""`splitguard fix SPLIT=PATH ... --out DIR`: repair existing splits, keeping their sizes."""

from __future__ import annotations

from typing import Any

import click

from splitguard.cli.common import INPUT_NAMES, input_options, load, options, settings

FIX_NAMES = (
    "out",
    "force",
    "fractions",
    "min-positives",
    "min-positive-groups",
    "min-classes",
    "imbalance-threshold",
    "train-floor",
    "seed",
    "fail-on",
    "hide-ids",
    "schema",
    "fewest-moves",
)


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
    from splitguard.app.run import run_fix

    values, _ = settings(kwargs, *INPUT_NAMES, *FIX_NAMES, "classes", "inputs")
    if values["schema"]:  # a bad schema fails now, not after the splitting
        from splitguard.rules.user_schema import load_schema

        load_schema(values["schema"])
    raise SystemExit(run_fix(lambda: load(inputs, values), values))
