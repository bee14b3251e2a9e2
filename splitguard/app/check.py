"""The `check` run: read the table, run the rules, write what was asked, return the outcome.

`run_check` is what `splitguard check` and `splitguard.check(...)` both call; it never
prints. The caller shows the findings and exits with `CheckOutcome.exit_status`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard.app.keywords import ConfigArgument, option_values, paths_read

if TYPE_CHECKING:
    from splitguard.core.frame import LabelFrame
    from splitguard.core.spec import LabelSpec
    from splitguard.lint.config import LintConfig
    from splitguard.lint.engine import LintResult
    from splitguard.lint.findings import Finding
    from splitguard.lint.sampled import SampledTable
    from splitguard.report.output import Written

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class CheckOutputs:
    """The files a check writes besides what it prints (None: not asked for)."""

    write_baseline: str | None = None
    html: str | None = None
    markdown: str | None = None


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What a check found: the lint result, the exit status, the files it wrote, and the
    frame the rules read (with an engine, the sample: `result.sample` says how large)."""

    result: LintResult
    exit_status: int
    baseline: Path | None = None
    reports: Written | None = None
    frame: LabelFrame | None = field(default=None, repr=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.result.findings


def _quiet(step: str) -> None:
    """No progress shown."""


ENGINES = ("memory", "spark")


def run_check(
    load: Callable[[], LabelFrame | SampledTable],
    config: LintConfig,
    *,
    outputs: CheckOutputs = CheckOutputs(),
    exit_zero: bool = False,
    root: Path | None = None,
    reads: Sequence[Path] = (),
    progress: Progress = _quiet,
) -> CheckOutcome:
    """Lint the frame `load` reads (or an engine's counts and sample of the table). `reads`
    are the files an output must never replace (the tables, the config file); they are
    refused before any work. The reports name files relative to `root` (default: the
    current folder)."""
    from splitguard.core.io.safepath import check_output_files
    from splitguard.lint.engine import exit_status, lint
    from splitguard.lint.sampled import SampledTable

    baseline = [Path(config.baseline)] if config.baseline else []
    check_output_files(
        {
            "--write-baseline": outputs.write_baseline,
            "--html": outputs.html,
            "--markdown": outputs.markdown,
        },
        [*reads, *baseline],
        updates={"--write-baseline": baseline[0]} if baseline else None,
    )
    progress("reading the table")
    table = load()
    frame = table.frame if isinstance(table, SampledTable) else table
    progress("running the rules")
    result = lint(table, config)
    written_baseline = None
    if outputs.write_baseline:
        from splitguard.core.io.write import write_json
        from splitguard.lint.baseline import baseline_payload

        write_json(outputs.write_baseline, baseline_payload((*result.findings, *result.accepted)))
        written_baseline = Path(outputs.write_baseline)
    reports = None
    if (outputs.html or outputs.markdown) and not isinstance(table, SampledTable):
        from splitguard.lint.formats import View
        from splitguard.report.check_page import write_check_reports

        progress("writing the report")
        shown = View(root).shown(result).as_dict()
        reports = write_check_reports(frame, shown, html=outputs.html, markdown=outputs.markdown)
    # Recording today's findings is the job done, not a failed gate (ruff's --add-noqa).
    status = 0 if written_baseline else exit_status(result.findings, config.fail_on, exit_zero)
    return CheckOutcome(result, status, written_baseline, reports, frame)


def check(
    data: Any,
    *,
    labels: str | None = None,
    sep: str | None = None,
    none: str | Sequence[str] | None = None,
    label_cols: str | Sequence[str] | None = None,
    long: str | None = None,
    shape: str | None = None,
    uncertain: str | None = None,
    blank: str | None = None,
    id: str | None = None,
    group: str | Sequence[str] | None = None,
    split_col: str | None = None,
    encoding: str | None = None,
    classes: str | Sequence[str] | None = None,
    select: str | Sequence[str] | None = None,
    ignore: str | Sequence[str] | None = None,
    extend_select: str | Sequence[str] | None = None,
    fail_on: str | None = None,
    exit_zero: bool | None = None,
    hide_ids: bool | None = None,
    baseline: str | Path | None = None,
    write_baseline: str | Path | None = None,
    html: str | Path | None = None,
    markdown: str | Path | None = None,
    hash_col: str | Sequence[str] | None = None,
    min_positives: str | dict[str, int | str] | None = None,
    min_positive_groups: str | dict[str, int] | None = None,
    min_prevalence: str | dict[str, float] | None = None,
    min_classes: str | Sequence[str] | None = None,
    train_floor: float | None = None,
    fractions: str | dict[str, float] | None = None,
    drift_tolerance: float | None = None,
    size_tolerance: float | None = None,
    imbalance_threshold: float | None = None,
    schema: str | Path | None = None,
    root: str | Path | None = None,
    severity: dict[str, str] | None = None,
    per_class_ignores: dict[str, Sequence[str]] | None = None,
    per_split_ignores: dict[str, Sequence[str]] | None = None,
    config: ConfigArgument = None,
) -> CheckOutcome:
    """Run the rules on `data`, as `splitguard check` does; nothing is printed.

    `data` is a path, `(split, path)` pairs, or whatever `load_frame` reads. The keywords
    are the command's long options with `_` and take the same values (a bad one is the
    same `OptionError`); None leaves an option to `config` or its default. `config` is a
    config file's path, or a dict of config keys (a rule plugin's options included).

    The table is read in memory: `splitguard.spark.check` takes the same keywords for a
    table Spark reads.

    >>> outcome = splitguard.check([("train", "train.csv"), ("test", "test.csv")],
    ...     labels="Finding Labels", sep="|", group="Patient ID")     # doctest: +SKIP
    >>> outcome.exit_status, [f.code for f in outcome.findings]      # doctest: +SKIP
    (1, ['SG201'])
    """
    # Every keyword but `data` and `config` is an option, named as the CLI names it.
    keywords = {k: v for k, v in locals().items() if k not in ("data", "config")}
    return check_keywords(data, keywords, config, _in_memory)


def _in_memory(data: Any, values: Mapping[str, Any], spec: LabelSpec) -> Callable[[], LabelFrame]:
    from splitguard.core.errors import OptionError
    from splitguard.core.load import load_frame

    if values.get("engine") == "spark":
        raise OptionError(
            "splitguard.check reads the table in memory; for Spark call "
            "splitguard.spark.check(data, ...) with the same keywords."
        )
    return lambda: load_frame(data, spec, strict=False)


Reader = Callable[[Any, Mapping[str, Any], "LabelSpec"], Callable[[], "LabelFrame | SampledTable"]]


def check_keywords(
    data: Any, keywords: Mapping[str, Any], config: ConfigArgument, reader: Reader
) -> CheckOutcome:
    """`check` with the keywords given as a mapping and the table read by `reader` (from
    `data`, the option values and the spec: what reads the table, called once the
    outputs are checked): the in-memory loader, or an engine's counts and sample."""
    from splitguard.core.options import label_spec
    from splitguard.lint.config import LintConfig
    from splitguard.rules.registry import registered_options

    known = registered_options()
    values = option_values(keywords, config, known)
    spec = label_spec(values)
    return run_check(
        reader(data, values, spec),
        LintConfig.of(values, known),
        outputs=CheckOutputs(
            values.get("write-baseline"), values.get("html"), values.get("markdown")
        ),
        exit_zero=bool(values.get("exit-zero")),
        root=None if values.get("root") is None else Path(values["root"]),
        reads=paths_read(data),
    )
