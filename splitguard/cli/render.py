"""Rich tables and bars for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from splitguard.stats import TableStats

BAR_WIDTH = 24


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of `share` (0..1) in eighth-blocks."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if rest == 0 else " ▏▎▍▌▋▊▉"[rest])


def print_stats(stats: TableStats) -> None:
    from rich.table import Table

    low, median, high = stats.rows_per_group
    table = Table(
        title=(
            f"{stats.rows:,} rows, {stats.groups:,} groups "
            f"(rows per group: min {low}, median {median:g}, max {high})"
        ),
        title_justify="left",
    )
    table.add_column("class")
    table.add_column("positives", justify="right")
    table.add_column("freq_pos", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("w_pos", justify="right")
    table.add_column("w_neg", justify="right")
    table.add_column("pos_weight", justify="right")
    top = max((label.freq_pos for label in stats.labels), default=0.0) or 1.0
    for label in sorted(stats.labels, key=lambda label: label.freq_pos):
        table.add_row(
            label.name,
            f"{label.positives:,}",
            f"{label.freq_pos:.2%}",
            f"[cyan]{bar(label.freq_pos / top)}[/]",
            f"{label.w_pos:.4f}",
            f"{label.w_neg:.4f}",
            "-" if label.pos_weight is None else f"{label.pos_weight:.2f}",
        )
    out = console()
    out.print(table)
    out.print(
        "w_pos = freq_neg and w_neg = freq_pos make each class's positives and negatives "
        "weigh the same in the loss; pos_weight = negatives / positives (PyTorch).",
        style="dim",
    )
