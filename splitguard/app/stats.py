"""The `stats` run: class frequencies and loss weights, the files asked for, the hints.

`run_stats` is what `splitguard stats` and `splitguard.stats(...)` both call; it never
prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard.app.keywords import ConfigArgument, option_values, paths_read

if TYPE_CHECKING:
    import pandas as pd

    from splitguard.core.class_stats import TableStats
    from splitguard.core.frame import LabelFrame
    from splitguard.lint.findings import Finding
    from splitguard.report.output import Written

# The schema rules that catch a wrong label option: counts read with the wrong --sep or
# without --none are meaningless, so stats says so beside them.
LABEL_OPTION_CODES = ("SG108", "SG109", "SG110")


@dataclass(frozen=True, slots=True)
class StatsOutputs:
    """The files a stats run writes besides what it prints (None: not asked for)."""

    weights_out: str | None = None
    html: str | None = None
    markdown: str | None = None


@dataclass(frozen=True, slots=True)
class StatsOutcome:
    """The statistics, the label-option findings that question them, the files written."""

    stats: TableStats
    hints: tuple[Finding, ...]
    written: Written
    frame: LabelFrame | None = field(default=None, repr=False)


def run_stats(
    load: Callable[[], LabelFrame],
    *,
    outputs: StatsOutputs = StatsOutputs(),
    reads: Sequence[Path] = (),
) -> StatsOutcome:
    """Statistics of the frame `load` reads. `reads` are the files an output must never
    replace (the tables, the config file); they are refused before any work."""
    from splitguard.core.class_stats import table_stats
    from splitguard.core.io.safepath import check_output_files
    from splitguard.lint.config import LintConfig
    from splitguard.lint.engine import lint
    from splitguard.report.output import Written

    check_output_files(
        {
            "--weights-out": outputs.weights_out,
            "--html": outputs.html,
            "--markdown": outputs.markdown,
        },
        reads,
    )
    frame = load()
    stats = table_stats(frame)
    hints = lint(frame, LintConfig(select=LABEL_OPTION_CODES)).findings
    written = Written()
    if outputs.weights_out:
        from splitguard.core.io.write import write_json

        write_json(outputs.weights_out, stats.weights())
        written = Written((Path(outputs.weights_out),))
    if outputs.html or outputs.markdown:
        from splitguard.report.stats_page import write_stats_reports

        reports = write_stats_reports(frame, stats, html=outputs.html, markdown=outputs.markdown)
        written = Written((*written.paths, *reports.paths), reports.failed)
    return StatsOutcome(stats, hints, written, frame)


STATS_COLUMNS = ("positives", "freq_pos", "freq_neg", "w_pos", "w_neg", "pos_weight")


def stats(
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
    weights_out: str | Path | None = None,
    html: str | Path | None = None,
    markdown: str | Path | None = None,
    config: ConfigArgument = None,
) -> pd.DataFrame:
    """Per-class frequencies and loss weights of `data`, as `splitguard stats` shows them.

    One row per class (the index), with the columns positives, freq_pos, freq_neg,
    w_pos, w_neg and pos_weight (NaN for a class without positives). The keywords are
    the command's long options with `_`; `config` is a config file's path or a dict.

    >>> table = splitguard.stats("nih_chestxray14_labels.csv.gz", labels="Finding Labels",
    ...     sep="|", none="No Finding", group="Patient ID")      # doctest: +SKIP
    >>> table.loc["Hernia", ["positives", "pos_weight"]].tolist()  # doctest: +SKIP
    [227.0, 492.920704845815]
    """
    # Every keyword but `data` and `config` is an option, named as the CLI names it.
    keywords = {k: v for k, v in locals().items() if k not in ("data", "config")}
    import pandas as pd

    from splitguard.core.load import load_frame
    from splitguard.core.options import label_spec
    from splitguard.rules.registry import registered_options

    values = option_values(keywords, config, registered_options())
    spec = label_spec(values)
    outcome = run_stats(
        lambda: load_frame(data, spec),
        outputs=StatsOutputs(values.get("weights-out"), values.get("html"), values.get("markdown")),
        reads=paths_read(data),
    )
    rows = [label.as_dict() for label in outcome.stats.labels]
    table = pd.DataFrame(rows, columns=["name", *STATS_COLUMNS]).set_index("name")
    table.index.name = "class"
    return table.astype({"pos_weight": "float64"})
