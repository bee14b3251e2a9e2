"""What the split and fix runs share: their checks, the outcome, and writing it.

A run computes an outcome (the frame with its splits, the findings, report.json's dict,
the exit status); writing it is a second step, so the command line and the Python API
(`result.write(DIR)`) write the same files with the same safety checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from splitguard import __version__
from splitguard.core.errors import OutputError
from splitguard.core.frame import LabelFrame
from splitguard.core.shortfalls import MinimumSpec

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from splitguard.core.spec import LabelSpec
    from splitguard.lint.findings import Finding
    from splitguard.report.model import RunReport
    from splitguard.report.output import Written as Pages
    from splitguard.split.assign import SplitRequest
    from splitguard.split.fixer import FixRequest

Progress = Callable[[str], None]


def unheard(message: str) -> None:
    """A progress or warning callback nobody listens to."""


# A long class list can ask thousands of minimums no split can give: the log names the
# first few; the result's shortfalls (report.json) name every one.
PROBLEMS_SHOWN = 10


def warn_impossible(problems: Sequence[str], warning: Callable[[str], None]) -> None:
    """A warning for each of the first `PROBLEMS_SHOWN` minimums that cannot be met, and
    one line counting the rest."""
    from splitguard.core.wording import counted

    for problem in problems[:PROBLEMS_SHOWN]:
        warning(f"splitguard: warning: cannot be met: {problem}.")
    if len(problems) > PROBLEMS_SHOWN:
        more = counted(len(problems) - PROBLEMS_SHOWN, "more minimum")
        warning(
            f"splitguard: warning: cannot be met: {more}; the shortfalls in report.json "
            "name every one."
        )


class CheckedRequest(Protocol):
    """What a split or fix request says about checking its input and result."""

    @property
    def minimums(self) -> MinimumSpec: ...

    @property
    def fractions(self) -> Mapping[str, float] | None: ...

    @property
    def fail_on(self) -> str: ...

    @property
    def hide_ids(self) -> bool: ...

    @property
    def schema(self) -> str | None: ...


def check_options(request: CheckedRequest) -> dict[str, Any]:
    """The rules' options for checking a run's input and result: its minimums and
    fractions (the coverage rules measure them), its fail-on, hide-ids and schema.

    The one place a split or fix run builds the engine's options; every other rule
    option keeps its default.
    """
    minimums, fractions = request.minimums, request.fractions
    return {
        "min-positives": dict(minimums.positives),
        "min-positive-groups": dict(minimums.positive_groups),
        "min-prevalence": dict(minimums.prevalence),
        "min-classes": minimums.classes,
        "imbalance-threshold": minimums.rare_threshold,
        "train-floor": minimums.train_floor,
        "fractions": None if fractions is None else dict(fractions),
        "fail-on": request.fail_on,
        "hide-ids": request.hide_ids,
        "schema": request.schema,
    }


def check(frame: LabelFrame, options: Mapping[str, Any]) -> tuple[Finding, ...]:
    """The rules' findings on `frame`, filtered as the options say."""
    from splitguard.lint.config import LintConfig
    from splitguard.lint.engine import lint

    return lint(frame, LintConfig.of(options)).findings


def exit_status(findings: Sequence[Finding], fail_on: str) -> int:
    from splitguard.lint.engine import exit_status as status

    return status(findings, fail_on)


@dataclass(frozen=True, slots=True)
class Written:
    """An outcome written to `out`: the files in the order written, the manifest, and
    the report pages that failed to render ((name, reason); the splits are never lost
    for a page)."""

    out: Path
    files: tuple[str, ...]
    manifest: dict[str, Any]
    failed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """A split or fix run's result, before it is written.

    `frame` holds the new splits (a split index per row, names in `frame.split_names`);
    `assignment` the split index of each group (`frame.group_names`); `findings` are the
    rules' findings on the result, `findings_before` on the input's own splits;
    `warnings` what the run said along the way (a minimum no split can meet).
    """

    command: str
    frame: LabelFrame
    assignment: np.ndarray
    findings: tuple[Finding, ...]
    findings_before: tuple[Finding, ...]
    model: RunReport
    exit_status: int
    column: str
    options: tuple[tuple[str, Any], ...]
    seed: int
    warnings: tuple[str, ...] = ()
    keep: tuple[Path, ...] = ()

    @property
    def report(self) -> dict[str, Any]:
        """report.json's dict (`model` is the typed report it serialises)."""
        return self.model.to_dict()

    @property
    def table(self) -> pd.DataFrame:
        """The input rows untouched, in input order, plus the split column (a DataFrame).

        A DataFrame given in memory keeps its index and dtypes; a file's rows are read
        as the split files hold them.
        """
        return split_table(self.frame, self.column)

    def write(self, out: str | Path, *, force: bool = False) -> Written:
        """Write the split files, report.json, manifest.json and the report pages to
        `out`, atomically, with the command line's safety checks (see `write_outcome`)."""
        import warnings

        from splitguard.core.errors import SplitguardWarning

        def note(message: str) -> None:
            warnings.warn(message.removeprefix("splitguard: "), SplitguardWarning, 3)

        out = Path(out)
        prepare_out(out, force=force, note=note)
        written = write_outcome(self, out, force=force)
        for name, reason in written.failed:
            note(f"{name} was not written: the report failed to render ({reason}).")
        return written


def split_table(frame: LabelFrame, column: str) -> pd.DataFrame:
    """`frame`'s input rows with their split in `column`, as one pandas DataFrame."""
    import numpy as np
    import pandas as pd

    from splitguard.core.io.split_files import split_column_name

    assert frame.splits is not None
    name = split_column_name(frame, column)
    record_splits = frame.splits[frame.row_of_record]
    labels = np.array(frame.split_names, dtype=object)[record_splits]
    table = frame.table_as_read()
    parts = []
    for source in frame.sources:
        if type(source.data).__name__ == "DataFrame":
            part = source.data.copy()
        else:
            part = table.slice(source.start, source.stop - source.start).to_pandas()
        part[name] = labels[source.start : source.stop]
        parts.append(part)
    combined: pd.DataFrame = parts[0] if len(parts) == 1 else pd.concat(parts)
    return combined


def prepare_out(out: Path, *, force: bool, note: Callable[[str], None]) -> None:
    """Before any work: clean up after killed runs into `out` (each clean-up is told to
    `note` as it is made, even when `out` is then refused), and refuse an `out` taken."""
    from splitguard.core.io.outdir import check_out_dir, recover
    from splitguard.core.io.write import check_name

    check_name(out)
    for cleaned in recover(out):
        note(f"splitguard: {cleaned}")
    check_out_dir(out, force=force)


def write_outcome(
    outcome: Outcome, out: Path, *, force: bool, progress: Progress = unheard
) -> Written:
    """Splits, report.json, the class tables of a long class list (classes.csv and
    split_classes.csv) and manifest.json first; then the HTML and Markdown reports.

    All of it lands at once (a staged folder renamed into place); a report that fails
    to render is noted in `Written.failed`, never a reason to lose the splits. An
    interrupt is an `OutputError` that says where the output stands. `out` may not be
    an input of the run (a table, or the earlier split of --keep).
    """
    from splitguard.core.io.outdir import check_out_dir, staged_dir
    from splitguard.core.io.safepath import identity
    from splitguard.core.io.split_files import write_split_tables
    from splitguard.core.io.write import write_json

    frame = outcome.frame
    inputs = [Path(s.path) for s in frame.sources if not s.in_memory] + list(outcome.keep)
    check_out_dir(out, force=force, inputs=inputs)
    before = identity(out)
    try:
        with staged_dir(out, force=force) as staging:
            progress("writing splits")
            outputs = write_split_tables(staging, frame, outcome.column)
            write_json(staging / "report.json", outcome.report)
            outputs.append(staging / "report.json")
            outputs.extend(write_class_csvs(staging, outcome.model))
            run_manifest = manifest(outcome, outputs, out=out, force=force)
            write_json(staging / "manifest.json", run_manifest)
            progress("writing the report")
            reports = write_pages(staging, outcome.model, run_manifest)
    except KeyboardInterrupt:
        raise OutputError(_interrupted(out, before)) from None
    files = (*outputs, staging / "manifest.json", *reports.paths)
    return Written(
        out,
        tuple(path.name for path in files),
        run_manifest,
        tuple((path.name, reason) for path, reason in reports.failed),
    )


def write_class_csvs(staging: Path, model: RunReport) -> list[Path]:
    """A long class list's tables (classes.csv, split_classes.csv), which the report
    pages name and leave out; none for a short list."""
    from splitguard.core.io.write import atomic_write_bytes
    from splitguard.report.class_csv import report_csvs

    written = []
    for name, text in report_csvs(model).items():
        atomic_write_bytes(staging / name, text.encode("utf-8"))
        written.append(staging / name)
    return written


def write_pages(staging: Path, model: RunReport, run_manifest: dict[str, Any]) -> Pages:
    """report.md and report.html; a page that fails to render is named with why, since
    a plot must never cost the user the splits."""
    from splitguard.report.output import Written as Pages
    from splitguard.report.split_page import write_split_reports

    try:
        return write_split_reports(staging, model, run_manifest)
    except Exception as exc:
        pages = (staging / "report.md", staging / "report.html")
        reason = f"{type(exc).__name__}: {exc}"
        return Pages(
            tuple(p for p in pages if p.exists()),
            tuple((p, reason) for p in pages if not p.exists()),
        )


def manifest(outcome: Outcome, outputs: list[Path], *, out: Path, force: bool) -> dict[str, Any]:
    """What a run read, wrote and was asked; files named relative to the current folder
    (`core.paths.shown_path`), never by this machine's absolute path."""
    from splitguard.core.io.outdir import sha256_of
    from splitguard.core.paths import shown_path

    options = [("out", str(out)), ("force", force), *outcome.options]
    return {
        "splitguard_version": __version__,
        "inputs": [
            {
                "path": shown_path(source.path),
                "split": source.split,
                "sha256": _input_sha256(outcome, i),
            }
            for i, source in enumerate(outcome.frame.sources)
        ],
        "outputs": [{"path": path.name, "sha256": sha256_of(path)} for path in outputs],
        "options": {
            name: _shown_option(name, value) for name, value in options if _recorded(name, value)
        },
        "seed": outcome.seed,
    }


def _shown_option(name: str, value: Any) -> Any:
    """A path option's value as `shown_path` names it (a config file's arrive absolute)."""
    from splitguard.core.paths import shown_path
    from splitguard.rules.registry import registered_options

    option = registered_options().get(name)
    if option is None or not option.path(value):
        return value
    if isinstance(value, Mapping):
        return {k: shown_path(v) if isinstance(v, str) else v for k, v in value.items()}
    return shown_path(value) if isinstance(value, str) else value


def _input_sha256(outcome: Outcome, index: int) -> str:
    """A file's sha256; for a table given in memory, that of its rows as Arrow IPC."""
    from splitguard.core.io.outdir import sha256_of

    source = outcome.frame.sources[index]
    if not source.in_memory:
        return sha256_of(Path(source.path))
    import hashlib

    import pyarrow as pa

    rows = outcome.frame.table_as_read().slice(source.start, source.stop - source.start)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, rows.schema) as writer:
        writer.write_table(rows)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


# Recorded even at their defaults: with the version, they fix the bytes and the status.
ALWAYS_RECORDED = frozenset({"out", "seed", "fail-on"})


def _recorded(name: str, value: Any) -> bool:
    """The manifest names the options given, not those left at their defaults."""
    from splitguard.core.options import OPTIONS

    if name in ALWAYS_RECORDED:
        return True
    if value is None or value is False or (isinstance(value, tuple | list | dict) and not value):
        return False
    option = OPTIONS.get(name)
    return option is None or value != option.default


def spec_options(frame: LabelFrame) -> list[tuple[str, Any]]:
    """The input options of `frame`'s spec, keyed as the command line names them."""
    spec = frame.spec
    return [
        *label_options(spec),
        ("split-col", spec.split_col),
        ("encoding", spec.encoding),
        ("classes", spec.classes),
    ]


def label_options(spec: LabelSpec) -> list[tuple[str, Any]]:
    """The options that say how to read labels, groups and ids (what both engines read),
    keyed as the command line names them."""
    return [
        ("labels", spec.labels),
        ("sep", spec.sep),
        ("none", spec.none),
        ("label-cols", spec.label_cols),
        ("long", spec.long),
        ("uncertain", spec.uncertain),
        ("blank", spec.blank),
        ("id", spec.id),
        ("group", spec.group),
    ]


def split_options(request: SplitRequest) -> list[tuple[str, Any]]:
    """A split request as either engine's manifest records it, keyed by option name."""
    return [
        ("fractions", None if request.fractions is None else dict(request.fractions)),
        ("folds", request.folds),
        *minimum_options(request.minimums),
        ("seed", request.seed),
        ("keep", request.keep),
        ("fail-on", request.fail_on),
        ("hide-ids", request.hide_ids),
        ("schema", request.schema),
    ]


def fix_options(request: FixRequest) -> list[tuple[str, Any]]:
    """A fix request as either engine's manifest records it, keyed by option name."""
    return [
        ("fractions", None if request.fractions is None else dict(request.fractions)),
        *minimum_options(request.minimums),
        ("seed", request.seed),
        ("fail-on", request.fail_on),
        ("hide-ids", request.hide_ids),
        ("schema", request.schema),
        ("fewest-moves", request.fewest_moves),
    ]


def minimum_options(minimums: MinimumSpec) -> list[tuple[str, Any]]:
    return [
        ("min-positives", dict(minimums.positives)),
        ("min-positive-groups", dict(minimums.positive_groups)),
        ("min-prevalence", dict(minimums.prevalence)),
        ("min-classes", minimums.classes),
        ("imbalance-threshold", minimums.rare_threshold),
        ("train-floor", minimums.train_floor),
    ]


def _interrupted(out: Path, before: tuple[int, int] | None) -> str:
    """Where the output stands after an interrupt: a new folder in place of `out` is ours."""
    from splitguard.core.io.safepath import identity

    after = identity(out)
    if after is not None and after != before:
        return f"interrupted after the output was complete: {out} holds this run's splits."
    if before is not None:
        return f"interrupted; nothing was written: {out} still holds the earlier output."
    return f"interrupted; nothing was written ({out} was not created)."
