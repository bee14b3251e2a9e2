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
    DIR/report.html, DIR/report.md and DIR/manifest.json, atomically. With --engine
    spark, Spark reads the splits (SPLIT=PATH, a DIR/split=NAME/ dataset, or --split-col)
    and writes the rows to DIR/split=NAME/; the repair is the in-memory one.
    """
    from splitguard.app.fix import run_fix
    from splitguard.app.requests import fix_request
    from splitguard.cli.run_view import run_and_print

    values, _ = settings(kwargs, *INPUT_NAMES, *FIX_NAMES, "classes", "inputs")
    if not values["out"]:
        raise OptionError("give --out DIR: the directory to write the repaired splits into.")
    request = fix_request(values)
    if values["engine"] == "spark":
        raise SystemExit(fix_on_spark(inputs, values, request))
    status = run_and_print(
        values["out"],
        lambda progress: run_fix(request, lambda: load(inputs, values), progress=progress),
        force=bool(values["force"]),
    )
    raise SystemExit(status)


def fix_on_spark(inputs: tuple[str, ...], values: dict[str, Any], request: Any) -> int:
    """`fix --engine spark`: splits Spark reads; the rows go to DIR/split=NAME/."""
    from pathlib import Path

    from splitguard.app.runs import prepare_out
    from splitguard.cli.common import parse_inputs
    from splitguard.cli.progress import steps
    from splitguard.cli.run_view import print_run, unwritten_warning, warn
    from splitguard.core.options import label_spec
    from splitguard.spark.fix import run_spark_fix
    from splitguard.spark.run import write_spark_split
    from splitguard.spark.session import require_pyspark

    given = parse_inputs(inputs, values["inputs"])
    if len(given) > 1 and any(split is None for split, _ in given):
        raise OptionError(
            "fix --engine spark reads SPLIT=PATH inputs (train=a.parquet test=b.parquet), "
            "or one path: a folder of split=NAME/ folders, or a table with --split-col."
        )
    data: Any = given if any(split is not None for split, _ in given) else given[0][1]
    require_pyspark()
    folder, force = Path(values["out"]), bool(values["force"])
    prepare_out(folder, force=force, note=warn)
    with steps(5) as advance:
        result = run_spark_fix(request, label_spec(values), data, progress=advance)
        written = write_spark_split(result, folder, force=force, progress=advance)
    for name, reason in written.failed:
        warn(unwritten_warning(name, reason))
    print_run(result.model, folder, written.files)
    return result.exit_status
