"""Rich tables and bars for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from splitguard.core.class_stats import TableStats

BAR_WIDTH = 24
STATS_BAR_WIDTH = 8
COVERAGE_WIDTH = 10
# A terminal shows the commonest and rarest classes of a long list; the report has all.
TERMINAL_EACH_END = 15


def safe(name: object) -> str:
    """A name from the data as rich text: control characters escaped, no markup."""
    from rich.markup import escape

    from splitguard.core.printable import printable

    return escape(printable(str(name)))


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of `share` (0..1) in eighth-blocks."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if rest == 0 else " ▏▎▍▌▋▊▉"[rest])


def print_stats(stats: TableStats) -> None:
    from rich import box
    from rich.table import Table

    from splitguard.core.wording import percent

    low, median, high = stats.rows_per_group
    table = Table(
        title=(
            f"{stats.rows:,} rows, {stats.groups:,} groups "
            f"(rows per group: min {low:,}, median {median:,g}, max {high:,})"
        ),
        title_justify="left",
        # Light rules and no edge padding: seven columns fit an 80-column terminal.
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    longest = max((len(label.name) for label in stats.labels), default=5)
    table.add_column("class", min_width=min(longest, 24))
    table.add_column("positives", justify="right")
    table.add_column("share", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("w_pos", justify="right")
    table.add_column("w_neg", justify="right")
    table.add_column("pos_weight", justify="right")
    top = max((label.freq_pos for label in stats.labels), default=0.0) or 1.0
    for label in sorted(stats.labels, key=lambda label: label.freq_pos):
        table.add_row(
            safe(label.name),
            f"{label.positives:,}",
            percent(label.freq_pos, 2),
            f"[cyan]{bar(label.freq_pos / top, STATS_BAR_WIDTH)}[/]",
            f"{label.w_pos:.4f}",
            f"{label.w_neg:.4f}",
            "-" if label.pos_weight is None else f"{label.pos_weight:,.2f}",
        )
    out = console()
    out.print(table)
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


def print_coverage(report: dict[str, Any]) -> None:
    """Per class (most frequent first) and split: positives, and a bar with the marks."""
    from rich import box
    from rich.table import Table

    coverage = report.get("coverage") or []
    splits = [str(split["name"]) for split in report["splits"]]
    entries = {(entry["class"], entry["split"]): entry for entry in coverage}
    labels = (report.get("stats") or {}).get("labels") or []
    classes = [label["name"] for label in sorted(labels, key=lambda label: -label["freq_pos"])]
    classes = classes or list(dict.fromkeys(entry["class"] for entry in coverage))
    # One column per split (count and bar together) so three splits fit 80 columns.
    table = Table(
        title="Positive rows per class and split: ┊ target, │ minimum asked, red = short",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("class", no_wrap=True)
    for split in splits:
        table.add_column(safe(split), no_wrap=True)
    shown = classes
    if len(classes) > 2 * TERMINAL_EACH_END:
        shown = classes[:TERMINAL_EACH_END] + classes[-TERMINAL_EACH_END:]
    for index, name in enumerate(shown):
        if index == TERMINAL_EACH_END and len(shown) < len(classes):
            left_out = len(classes) - len(shown)
            table.add_row(f"[dim]... {left_out:,} classes in between: report.html has them all[/]")
        cells = [safe(name)]
        for split in splits:
            entry = entries.get((name, split))
            if entry is None:
                cells.append("-")
                continue
            positives, target = int(entry["positives"]), float(entry.get("target") or 0.0)
            bar_text = coverage_bar(positives, target, int(entry.get("minimum") or 0))
            cells.append(f"{positives:>6,} {bar_text}")
        table.add_row(*cells)
    console().print(table)
