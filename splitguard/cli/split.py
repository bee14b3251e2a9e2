"""`splitguard split INPUT --out DIR`: build new splits that pass the rules."""

from __future__ import annotations

from typing import Any

import click

from splitguard.app.requests import SPLIT_NAMES
from splitguard.cli.common import INPUT_NAMES, input_options, load, options, settings
from splitguard.core.errors import OptionError


@click.command("split")
@click.argument("inputs", nargs=-1)
@input_options
@options(*SPLIT_NAMES)
def split_command(inputs: tuple[str, ...], **kwargs: Any) -> None:
    """Build train/val/test splits (or K folds) with no group in two splits.

    Multi-label, group-aware iterative stratification: every class keeps its share in
    every split, each split its share of rows, and --min-positives / --min-positive-groups
    / --min-prevalence give the evaluation splits enough positives of every rare class.

    Minimums: --min-positives test=25 (positive rows) or test=50% (of each class's
    positive rows), --min-positive-groups test=10, --min-prevalence test=0.02 (a share
    of the split's rows), aimed by --min-classes all|rare|A,B (rare: under
    --imbalance-threshold). They are met by choosing which groups go where: every split
    stays within half a point of its fraction, and train (the split named train, else
    the first; with --folds, each fold's complement) keeps at least --train-floor (40%)
    of every class's positive rows. A minimum these limits do not allow is an SG306
    error (exit 1) naming class, split, asked, reached and why; one no split of the
    table can meet is said before splitting.

    Writes DIR/<split>.parquet (the input rows untouched plus a `split` column),
    DIR/report.json, DIR/report.html, DIR/report.md and DIR/manifest.json, atomically.
    """
    from splitguard.app.requests import split_request
    from splitguard.app.split import run_split
    from splitguard.cli.run_view import run_and_print, warn

    values, _ = settings(kwargs, *INPUT_NAMES, *SPLIT_NAMES, "classes", "inputs")
    if not values["out"]:
        raise OptionError("give --out DIR: the directory to write the splits into.")
    request = split_request(values)
    if values["engine"] == "spark":
        raise SystemExit(split_on_spark(inputs, values, request))
    status = run_and_print(
        values["out"],
        lambda progress: run_split(
            request, lambda: load(inputs, values), progress=progress, warn=warn
        ),
        force=bool(values["force"]),
    )
    raise SystemExit(status)


def split_on_spark(inputs: tuple[str, ...], values: dict[str, Any], request: Any) -> int:
    """`split --engine spark`: one input Spark reads; the rows go to DIR/split=NAME/."""
    from pathlib import Path

    from splitguard.app.runs import prepare_out
    from splitguard.cli.progress import steps
    from splitguard.cli.run_view import print_run, unwritten_warning, warn
    from splitguard.core.options import label_spec
    from splitguard.spark.run import run_spark_split, write_spark_split
    from splitguard.spark.session import require_pyspark

    if len(inputs) != 1 or "=" in inputs[0]:
        raise OptionError(
            "--engine spark splits one input: a Parquet dataset directory, or a file Spark "
            "reads (Parquet, CSV, JSON lines); give its path alone."
        )
    require_pyspark()
    folder, force = Path(values["out"]), bool(values["force"])
    prepare_out(folder, force=force, note=warn)
    with steps(5) as advance:
        result = run_spark_split(
            request, label_spec(values), inputs[0], progress=advance, warn=warn
        )
        written = write_spark_split(result, folder, force=force, progress=advance)
    for name, reason in written.failed:
        warn(unwritten_warning(name, reason))
    print_run(result.model, folder, written.files)
    return result.exit_status
