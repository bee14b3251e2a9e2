"""The `split` and `fix` runs: load, assign, check, write, print. The CLI only calls these."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard import __version__
from splitguard.core.errors import OptionError, OutputError
from splitguard.core.frame import LabelFrame
from splitguard.core.printable import printable

if TYPE_CHECKING:
    from splitguard.lint.findings import Finding
    from splitguard.report.model import RunReport


def lint_findings(frame: LabelFrame, values: Mapping[str, Any]) -> list[Finding]:
    """The rules' findings on `frame`, filtered as the options say."""
    from splitguard.lint.engine import lint

    return list(lint(frame, values).findings)


def _status(findings: list[Finding], values: Mapping[str, Any]) -> int:
    from splitguard.lint.engine import exit_status

    return exit_status(findings, values.get("fail-on") or "error")


def manifest(
    frame: LabelFrame, outputs: list[Path], options: Mapping[str, Any], seed: int
) -> dict[str, Any]:
    from splitguard.core.io.outdir import sha256_of

    return {
        "splitguard_version": __version__,
        "inputs": [
            {"path": source.path, "split": source.split, "sha256": sha256_of(Path(source.path))}
            for source in frame.sources
        ],
        "outputs": [{"path": path.name, "sha256": sha256_of(path)} for path in outputs],
        "options": {k: v for k, v in options.items() if v not in (None, (), {}, [])},
        "seed": seed,
    }


def run_inputs(frame: LabelFrame, values: Mapping[str, Any]) -> list[Path]:
    """Every file a run reads: its tables and the earlier split of --keep."""
    keep = values.get("keep")
    kept = list(keep.values()) if isinstance(keep, Mapping) else [keep] if keep else []
    return [Path(source.path) for source in frame.sources] + [Path(k) for k in kept]


def prepare_out(out: Path, values: Mapping[str, Any]) -> None:
    """Before any work: clean up after killed runs into `out`, and refuse an `out` taken."""
    import click

    from splitguard.core.io.outdir import check_out_dir, recover
    from splitguard.core.io.write import check_name

    check_name(out)
    for note in recover(out):
        click.echo(printable(f"splitguard: {note}"), err=True)
    check_out_dir(out, force=bool(values.get("force")))


def write_run(
    out: Path,
    frame: LabelFrame,
    report: RunReport,
    values: Mapping[str, Any],
    *,
    seed: int,
    advance: Callable[[str], None],
    column: str = "split",
) -> list[str]:
    """Splits, report.json and manifest.json first; then the HTML and Markdown reports.

    All of it lands at once (a staged folder renamed into place); a report that fails
    to render is a warning, never a reason to lose the splits. Returns the names of
    the files written, in the order written. An interrupt is an `OutputError` that says
    where the output stands.
    """
    import click

    from splitguard.cli.common import write_json
    from splitguard.cli.run_view import unwritten_warning
    from splitguard.core.io.outdir import check_out_dir, staged_dir
    from splitguard.core.io.safepath import identity
    from splitguard.core.io.split_files import write_split_tables
    from splitguard.report.output import Written

    force = bool(values.get("force"))
    check_out_dir(out, force=force, inputs=run_inputs(frame, values))
    before = identity(out)
    try:
        with staged_dir(out, force=force) as staging:
            advance("writing splits")
            outputs = write_split_tables(staging, frame, column)
            write_json(staging / "report.json", report.to_dict())
            outputs.append(staging / "report.json")
            run_manifest = manifest(frame, outputs, values, seed)
            write_json(staging / "manifest.json", run_manifest)
            advance("writing the report")
            try:
                from splitguard.report.split_page import write_split_reports

                reports = write_split_reports(staging, report, run_manifest)
            except Exception as exc:  # a plot must never cost the user the splits
                pages = (staging / "report.md", staging / "report.html")
                reason = f"{type(exc).__name__}: {exc}"
                reports = Written(
                    tuple(p for p in pages if p.exists()),
                    tuple((p, reason) for p in pages if not p.exists()),
                )
            for path, reason in reports.failed:
                click.echo(printable(unwritten_warning(path.name, reason)), err=True)
    except KeyboardInterrupt:
        raise OutputError(_interrupted(out, before)) from None
    return [path.name for path in (*outputs, staging / "manifest.json", *reports.paths)]


def _interrupted(out: Path, before: tuple[int, int] | None) -> str:
    """Where the output stands after an interrupt: a new folder in place of `out` is ours."""
    from splitguard.core.io.safepath import identity

    after = identity(out)
    if after is not None and after != before:
        return f"interrupted after the output was complete: {out} holds this run's splits."
    if before is not None:
        return f"interrupted; nothing was written: {out} still holds the earlier output."
    return f"interrupted; nothing was written ({out} was not created)."


def run_split(load_inputs: Callable[[], LabelFrame], values: Mapping[str, Any]) -> int:
    """`splitguard split`: returns the exit status."""
    import click

    from splitguard.cli.progress import steps
    from splitguard.report.model import split_report
    from splitguard.split.assign import impossible_minimums, make_request, split_frame

    if not values.get("out"):
        raise OptionError("give --out DIR: the directory to write the splits into.")
    out = Path(values["out"])
    request = make_request(values)
    prepare_out(out, values)
    with steps(5) as advance:
        advance("reading the table")
        frame = load_inputs()
        request.check_fits(frame.n_groups)
        fixed, kept = None, None
        if values.get("keep"):
            from splitguard.split.keep import kept_groups

            keep = kept_groups(frame, values["keep"], request.split_names)
            fixed = keep.fixed
        for problem in impossible_minimums(frame, request):
            click.echo(printable(f"splitguard: warning: cannot be met: {problem}."), err=True)
        advance("splitting")
        before = lint_findings(frame, values) if frame.splits is not None else []
        result = split_frame(frame, request, fixed=fixed)
        if fixed is not None:
            kept = _kept_summary(result.frame, fixed, keep.conflicts)
        advance("checking the result")
        check_values = {
            **values,
            "fractions": dict(zip(request.split_names, request.shares, strict=True)),
        }
        after = lint_findings(result.frame, check_values)
        report = split_report(
            result.frame,
            command="split",
            request={**request.as_dict(), "keep": values.get("keep")},
            shares=request.shares,
            minimums=request.minimums,
            shortfalls=result.shortfalls,
            findings_before=[f.as_dict() for f in before],
            findings_after=[f.as_dict() for f in after],
            extra={"keep": kept},
        )
        column = "fold" if request.folds is not None else "split"
        written = write_run(
            out, result.frame, report, values, seed=request.seed, advance=advance, column=column
        )
    from splitguard.cli.run_view import print_run

    print_run(report, out, written)
    return _status(after, values)


def _kept_summary(frame: LabelFrame, fixed: Any, conflicts: int) -> dict[str, Any]:
    import numpy as np

    assert frame.splits is not None
    group_split = np.zeros(frame.n_groups, dtype=np.int64)
    group_split[frame.groups] = frame.splits
    new = fixed < 0
    counts = np.bincount(group_split[new], minlength=len(frame.split_names))
    return {
        "kept_groups": int((~new).sum()),
        "new_groups": {name: int(n) for name, n in zip(frame.split_names, counts, strict=True)},
        "conflicts": conflicts,
    }


def run_fix(load_inputs: Callable[[], LabelFrame], values: Mapping[str, Any]) -> int:
    """`splitguard fix`: returns the exit status."""
    from splitguard.cli.progress import steps
    from splitguard.report.model import split_report
    from splitguard.split.fixer import fix_frame

    if not values.get("out"):
        raise OptionError("give --out DIR: the directory to write the repaired splits into.")
    out = Path(values["out"])
    prepare_out(out, values)
    with steps(5) as advance:
        advance("reading the splits")
        frame = load_inputs()
        advance("repairing")
        before = lint_findings(frame, values)
        fixed = fix_frame(frame, values)
        advance("checking the result")
        check_values = {**values, "fractions": fixed.fractions}
        after = lint_findings(fixed.frame, check_values)
        report = split_report(
            fixed.frame,
            command="fix",
            request={
                "fractions": fixed.fractions,
                **fixed.minimums.as_dict(),
                "fewest_moves": bool(values.get("fewest-moves")),
                "seed": values.get("seed") or 0,
            },
            shares=list(fixed.fractions.values()),
            minimums=fixed.minimums,
            shortfalls=fixed.shortfalls,
            findings_before=[f.as_dict() for f in before],
            findings_after=[f.as_dict() for f in after],
            extra={"moves": _moves(fixed.moves, values), "moves_summary": fixed.moves_summary},
        )
        written = write_run(
            out, fixed.frame, report, values, seed=values.get("seed") or 0, advance=advance
        )
    from splitguard.cli.run_view import print_run

    print_run(report, out, written)
    return _status(after, values)


def _moves(moves: list[dict[str, Any]], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The moved groups; with --hide-ids their names (patient ids) are masked."""
    if not values.get("hide-ids"):
        return moves
    from splitguard.lint.findings import HIDDEN

    return [{**move, "group": HIDDEN} for move in moves]
