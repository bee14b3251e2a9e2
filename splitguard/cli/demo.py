"""`splitguard demo`: split and check the bundled NIH ChestX-ray14 label table."""

from __future__ import annotations

from pathlib import Path

import click

DEMO_OUT = "splitguard-demo"


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(DEMO_OUT),
    show_default=True,
    help="Directory to write the demo's splits and report into (replaced if splitguard wrote it).",
)
def demo_command(out: Path) -> None:
    """Split NIH ChestX-ray14 by patient, 80/10/10, at least 20 positives per class in
    val and test; write the splits, the report and the manifest into DIR.

    The same as: splitguard split nih.csv.gz --labels "Finding Labels" --sep "|"
    --none "No Finding" --id "Image Index" --group "Patient ID"
    --fractions train=0.8,val=0.1,test=0.1 --min-positives val=20,test=20 --out DIR
    """
    from splitguard.app.split import run_split
    from splitguard.cli.run_view import run_and_print, warn
    from splitguard.core.example import NIH_SPEC, example_path
    from splitguard.core.load import load_frame
    from splitguard.split.assign import SplitRequest

    request = SplitRequest(
        fractions={"train": 0.8, "val": 0.1, "test": 0.1},
        min_positives={"val": 20, "test": 20},
    )
    from splitguard.cli.flags import quiet

    if not quiet():
        from splitguard.cli.render import console

        console().print(f"splitguard demo: NIH ChestX-ray14 ({example_path().name}), bundled")
    status = run_and_print(
        str(out),
        lambda progress: run_split(
            request, lambda: load_frame(example_path(), NIH_SPEC), progress=progress, warn=warn
        ),
        force=True,
    )
    raise SystemExit(status)
