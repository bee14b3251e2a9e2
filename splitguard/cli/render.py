"""Rich tables and bars for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from splitguard.core.printable import printable
from splitguard.core.wording import counted, number
from splitguard.report.scale import SPLIT_CLASSES_CSV, long_list

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console
    from rich.table import Table

    from splitguard.core.class_stats import TableStats
    from splitguard.lint.formats import Line
    from splitguard.report.model import RunReport

BAR_WIDTH = 24
STATS_BAR_WIDTH = 8
COVERAGE_WIDTH = 10
# A terminal shows the commonest and rarest classes of a long list; the report has all.
TERMINAL_EACH_END = 15
STATS_WHERE = "--format json and --weights-out have them all"


def two_ends(rows: Sequence[Row], where: str, total: int | None = None) -> list[Row | str]:
    """The rows of a table of `total` classes (default: every class is in `rows`): all
    of them, or the first and last `TERMINAL_EACH_END` with a note between them saying
    how many are left out; `where` names where they all are."""
    total = len(rows) if total is None else total
    if total <= 2 * TERMINAL_EACH_END:
        return list(rows)
    left_out = total - 2 * TERMINAL_EACH_END
    note = f"... {counted(left_out, 'class', 'classes')} in between: {where}"
    return [*rows[:TERMINAL_EACH_END], note, *rows[-TERMINAL_EACH_END:]]


def safe(name: object) -> str:
    """A name from the data as rich text: control characters escaped, no markup."""
    from rich.markup import escape

    return escape(printable(str(name)))


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


# The colour of each role a format's styled lines use (splitguard.lint.formats.STYLES).
ROLE_STYLES = {
    "error": "bold red",
    "warning": "yellow",
    "info": "cyan",
    "dim": "dim",
    "bold": "bold",
    "passed": "bold green",
    "failed": "bold red",
}


def print_lines(out: Console, lines: Iterable[Line]) -> None:
    """A format's styled lines, coloured (text, never markup: names print as they are)."""
    from rich.text import Text

    for line in lines:
        text = Text.assemble(*((span.text, ROLE_STYLES.get(span.style, "")) for span in line.spans))
        if not line.wrap or not line.hang:
            out.print(text, soft_wrap=not line.wrap)
            continue
        # Wrapped past its own indent; continuation lines start `hang` columns in.
        lead = len(text.plain) - len(text.plain.lstrip(" "))
        for index, part in enumerate(text[lead:].wrap(out, max(20, out.width - line.hang))):
            part.rstrip()
            out.print(Text(" " * (line.hang if index else lead)) + part, soft_wrap=True)


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of `share` (0..1) in eighth-blocks."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if rest == 0 else " ▏▎▍▌▋▊▉"[rest])


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    justify: Literal["left", "right"] = "right"
    # A bar column is the first thing left out of a table too wide for the terminal.
    bar: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """A class name (as in the data) and its cells (rich markup), one per `Column`."""

    name: str
    cells: tuple[str, ...]


def print_class_table(
    out: Console,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Row | str],
    legend: str = "",
) -> None:
    """A table of one row per class that fits `out`'s width, every name whole on its line.

    Tried in turn: every column; the bar columns left out; and each name on its own
    line above its figures (a name is never cut or wrapped: a log is searched for it).
    A `str` in `rows` is a note; `legend` (what the bars mean) follows the title while
    the bars are shown.
    """
    kept = [i for i, column in enumerate(columns) if not column.bar]
    for shown in (list(range(len(columns))), kept):
        heading = title + legend if len(shown) == len(columns) else title
        table = _class_table(heading, [columns[i] for i in shown], rows, shown)
        if out.measure(table, options=out.options.update_width(10**6)).maximum <= out.width:
            out.print(table)
            return
    _print_stacked(out, title, [columns[i] for i in kept], rows, kept)


def _class_table(
    title: str, columns: Sequence[Column], rows: Sequence[Row | str], shown: Sequence[int]
) -> Table:
    from rich import box
    from rich.table import Table

    # A note ("... 160 classes in between") is a caption, so it never widens a column.
    notes = [row for row in rows if isinstance(row, str)]
    table = Table(
        title=title,
        caption=" ".join(notes) or None,
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("class", no_wrap=True)
    for column in columns:
        table.add_column(safe(column.header), justify=column.justify, no_wrap=True)
    for row in rows:
        if isinstance(row, str):
            table.add_row("...")
        else:
            table.add_row(safe(row.name), *(row.cells[i] for i in shown))
    return table


def _print_stacked(
    out: Console,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Row | str],
    shown: Sequence[int],
) -> None:
    """Each class name on its own line, its figures on the next, under their headers."""
    from rich.text import Text

    figures = {
        id(row): [Text.from_markup(row.cells[i]).plain for i in shown]
        for row in rows
        if isinstance(row, Row)
    }
    widths = [
        max([len(column.header), *(len(cells[j]) for cells in figures.values())])
        for j, column in enumerate(columns)
    ]

    def line(values: Sequence[str]) -> str:
        return "    " + "  ".join(
            value.rjust(w) if column.justify == "right" else value.ljust(w)
            for value, w, column in zip(values, widths, columns, strict=True)
        )

    headers = line([column.header for column in columns])
    out.print(title)
    out.print("class")
    out.print(safe(headers))
    out.print("─" * min(out.width, len(headers)))
    for row in rows:
        if isinstance(row, str):
            out.print(row)
        else:
            out.print(safe(row.name))
            out.print(safe(line(figures[id(row)])))


def print_stats(stats: TableStats) -> None:
    """The per-class table of `splitguard stats`; its footnote is left out under -q."""
    from splitguard.cli.flags import quiet
    from splitguard.core.wording import percent

    low, median, high = stats.rows_per_group
    title = (
        f"{stats.rows:,} rows, {stats.groups:,} groups "
        f"(rows per group: min {low:,}, median {number(median)}, max {high:,})"
    )
    columns = (
        Column("positives"),
        Column("share"),
        Column("", justify="left", bar=True),
        Column("w_pos"),
        Column("w_neg"),
        Column("pos_weight"),
    )
    top = max((label.freq_pos for label in stats.labels), default=0.0) or 1.0
    ordered = sorted(stats.labels, key=lambda label: label.freq_pos)
    rows = [
        Row(
            label.name,
            (
                f"{label.positives:,}",
                percent(label.freq_pos, 2),
                f"[cyan]{bar(label.freq_pos / top, STATS_BAR_WIDTH)}[/]",
                f"{label.w_pos:.4f}",
                f"{label.w_neg:.4f}",
                "-" if label.pos_weight is None else f"{label.pos_weight:,.2f}",
            ),
        )
        for label in ordered
    ]
    out = console()
    # The rarest and the commonest of a long list (thousands of classes would scroll
    # for minutes), as split's summary shows them.
    print_class_table(out, title, columns, two_ends(rows, STATS_WHERE))
    if quiet():
        return
    out.print(
        "w_pos (the weight of a positive) = the share of negatives and w_neg = the share of "
        "positives make each class's positives and negatives weigh the same in the loss; "
        "pos_weight = negatives / positives (PyTorch).",
        style="dim",
    )


def coverage_bar(positives: int, target: float, minimum: int) -> str:
    """Positives against the larger of target and minimum, in `COVERAGE_WIDTH` cells.

    The bar ends where the positives do; `┊` marks the target and `│` the minimum, so
    "short of the minimum" reads as a bar that stops before the `│` (and turns red).
    """
    width = COVERAGE_WIDTH
    # Headroom past the target, so a split that met it shows the bar passing the mark.
    scale = max(positives, target, minimum, 1) * 1.15
    filled = min(width, round(positives / scale * width))
    cells = ["█"] * filled + ["·"] * (width - filled)
    if target > 0:
        cells[min(width - 1, round(target / scale * width))] = "┊"
    minimum_cell = min(width - 1, round(minimum / scale * width))
    # A minimum far below the target would sit on the bar's first cell: noise, not news.
    if minimum > 0 and (minimum_cell > 0 or positives < minimum):
        cells[minimum_cell] = "│"
    colour = "red" if positives < minimum or positives == 0 else "cyan"
    return f"[{colour}]{''.join(cells)}[/]"


def print_coverage(report: RunReport) -> None:
    """Per class (most frequent first) and split: positives, and a bar with the marks."""
    splits = [split.name for split in report.splits]
    entries = {(entry.label, entry.split): entry for entry in report.coverage}
    labels = sorted(report.stats.labels, key=lambda label: -label.freq_pos)
    classes = [label.name for label in labels]
    # Per split, the count (red when short) and its bar; the bars go first when the
    # terminal is narrow.
    columns = [
        column
        for split in splits
        for column in (Column(split), Column("", justify="left", bar=True))
    ]
    shown = classes
    if len(classes) > 2 * TERMINAL_EACH_END:
        shown = classes[:TERMINAL_EACH_END] + classes[-TERMINAL_EACH_END:]
    rows: list[Row] = []
    for name in shown:
        cells: list[str] = []
        for split in splits:
            entry = entries.get((name, split))
            if entry is None:
                cells += ["-", ""]
                continue
            positives, target, minimum = entry.positives, entry.target, entry.minimum
            short = positives < minimum or positives == 0
            cells += [
                f"[red]{positives:,}[/]" if short else f"{positives:,}",
                coverage_bar(positives, target, minimum),
            ]
        rows.append(Row(name, tuple(cells)))
    # A long list's report leaves classes out too; split_classes.csv has them all.
    page = SPLIT_CLASSES_CSV if long_list(len(classes)) else "report.html"
    print_class_table(
        console(),
        "Positive rows per class and split, red if short",
        columns,
        two_ends(rows, f"{page} has them all", len(classes)),
        legend=": ┊ target, │ minimum asked",
    )


def print_wrapped(console: Console, markup: str, *, first: int, wrap: bool = True) -> None:
    """`markup` indented by `first`, wrapped to the console's width (`wrap`) with its
    continuation lines indented by `HANGING`."""
    from rich.text import Text

    from splitguard.lint.formats.text import HANGING

    if not wrap:
        console.print(" " * first + markup, soft_wrap=True)
        return
    text = Text.from_markup(markup)
    for index, line in enumerate(text.wrap(console, max(20, console.width - HANGING))):
        line.rstrip()
        console.print(Text(" " * (first if index == 0 else HANGING)) + line, soft_wrap=True)
