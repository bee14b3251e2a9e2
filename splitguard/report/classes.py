"""Sections on class frequencies and the weighted-loss weights that balance them."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from splitguard.core.class_stats import ClassStats, TableStats
from splitguard.report import charts
from splitguard.report.document import Block, Chart, Code, Section, Table, Text
from splitguard.report.fmt import count, share
from splitguard.report.scale import (
    TABLE_EACH_END,
    Drawn,
    Elsewhere,
    end_tables,
    ends,
    long_list,
)

# Bins of positive rows per class, for the shape of a list too long to draw whole.
POSITIVE_BINS = ((0, 9, "0-9"), (10, 99, "10-99"), (100, 999, "100-999"),
                 (1_000, 9_999, "1k-10k"), (10_000, None, "10k+"))  # fmt: skip


def by_prevalence(stats: TableStats) -> list[ClassStats]:
    """The classes of `stats`, most frequent first."""
    return sorted(stats.labels, key=lambda label: (-label.freq_pos, label.name))


def weights_json(stats: TableStats) -> dict[str, list[Any]]:
    """The weights in the input's class order: training code indexes them by position."""
    ordered = stats.labels
    return {
        "classes": [label.name for label in ordered],
        "w_pos": [round(label.w_pos, 6) for label in ordered],
        "w_neg": [round(label.w_neg, 6) for label in ordered],
        "pos_weight": [
            None if label.pos_weight is None else round(label.pos_weight, 6) for label in ordered
        ],
    }


def compact_json(mapping: dict[str, list[Any]]) -> str:
    """One line per key: short enough to read, still valid JSON to paste.

    <, > and & are written as \\u escapes (the same JSON value), so a class name can
    never read as markup wherever the block is pasted or rendered.
    """
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in mapping.items()]
    text = "{\n" + ",\n".join(lines) + "\n}"
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def class_bars(
    chart_id: str,
    title: str,
    description: str,
    labels: list[ClassStats],
    values: tuple[list[float], list[float]],
    legend: tuple[str, str],
    xlabel: str,
) -> Chart:
    """Paired bars for classes sorted most frequent first: all of them, or the two ends."""
    drawn: Drawn = ends(len(labels))
    if drawn.gap_at is not None:
        description += f" {drawn.note()}"
    return Chart(
        title=title,
        description=description,
        draw=partial(
            charts.paired_bars,
            chart_id,
            title,
            description,
            drawn.names([label.name for label in labels]),
            (drawn.pick(values[0]), drawn.pick(values[1])),
            legend,
            xlabel,
            drawn.gap_at,
            drawn.note(),
        ),
    )


def class_tables(
    table: Table, labels: list[ClassStats], elsewhere: Elsewhere, where: str
) -> tuple[Table | Text, ...]:
    """`table` (one row per class of `labels`, most frequent first) whole, or for a long
    list its rarest and commonest `TABLE_EACH_END` rows and `where` (a sentence of
    `elsewhere`) saying where the rest are."""
    if not long_list(len(labels)):
        return (table,)
    each = TABLE_EACH_END
    rarest = list(range(len(labels) - 1, len(labels) - 1 - each, -1))
    commonest = list(range(each))
    return (
        *end_tables(table, rarest, commonest, len(labels), each_split=False),
        Text(where, elsewhere.links),
    )


def long_list_text(labels: list[ClassStats]) -> tuple[Text, ...]:
    """For a long class list: how many are rare, and the rarest named."""
    if not long_list(len(labels)):
        return ()
    few = [label for label in labels if label.positives < 10]
    rarest = ", ".join(f"{label.name} ({label.positives:,})" for label in labels[:-6:-1])
    text = (
        f"{len(few):,} of the {len(labels):,} classes have fewer than 10 positive rows. "
        f"The rarest (positive rows): {rarest}."
    )
    return (Text(text),)


def distribution_blocks(labels: list[ClassStats]) -> tuple[Chart, Table] | tuple[()]:
    """How many classes have 1-9, 10-99, ... positives: the shape of a long class list."""
    if ends(len(labels)).gap_at is None:
        return ()
    counts = [
        sum(low <= label.positives and (high is None or label.positives <= high)
            for label in labels)
        for low, high, _ in POSITIVE_BINS
    ]  # fmt: skip
    bins = [name for _, _, name in POSITIVE_BINS]
    title = "Classes by their number of positive rows"
    chart = Chart(
        title=title,
        description=f"All {len(labels):,} classes, counted by how many rows are positive.",
        draw=partial(
            charts.count_bins_chart,
            "chart-class-sizes",
            title,
            "Vertical bars: classes per bin of positive rows.",
            bins,
            counts,
            "positive rows of the class",
        ),
    )
    table = Table(
        columns=("positive rows", "classes"),
        numeric=(False, True),
        rows=tuple((name, count(n)) for name, n in zip(bins, counts, strict=True)),
        caption=title,
    )
    return chart, table


def frequency_section(stats: TableStats, elsewhere: Elsewhere) -> Section:
    """`elsewhere`: where the classes are that a long list leaves out of the page."""
    labels = by_prevalence(stats)
    chart = class_bars(
        "chart-frequency",
        "Positive and negative share of each class",
        "For each class, the share of rows where it is present (positive) and absent "
        "(negative). Classes are sorted by prevalence, most frequent on top.",
        labels,
        ([label.freq_pos for label in labels], [label.freq_neg for label in labels]),
        ("positive (freq_pos)", "negative (freq_neg)"),
        "share of rows",
    )
    table = Table(
        columns=(
            "class",
            "positives",
            "negatives",
            "freq_pos",
            "freq_neg",
            "negatives per positive",
        ),
        numeric=(False, True, True, True, True, True),
        rows=tuple(
            (
                label.name,
                count(label.positives),
                count(label.negatives),
                share(label.freq_pos),
                share(label.freq_neg),
                "-" if label.pos_weight is None else f"{label.pos_weight:,.1f}",
            )
            for label in labels
        ),
        status=tuple("bad" if label.positives == 0 else "" for label in labels),
    )
    rarest = labels[-1] if labels else None
    summary = (
        f"{count(len(labels))} classes over {count(stats.rows)} rows. The rarest, "
        f"{rarest.name}, is positive in {share(rarest.freq_pos)} of rows: a model that "
        "never predicts it is right on the rest, which is why the loss needs weights."
        if rarest
        else "No classes."
    )
    blocks = (
        Text(summary),
        *long_list_text(labels),
        chart,
        *distribution_blocks(labels),
        *class_tables(table, labels, elsewhere, elsewhere.classes),
    )
    return Section("frequencies", "Class frequencies", blocks)


def weights_section(stats: TableStats, elsewhere: Elsewhere) -> Section:
    """`elsewhere`: where the weights are that a long list leaves out of the page."""
    labels = by_prevalence(stats)
    positive = [label.w_pos * label.freq_pos for label in labels]
    negative = [label.w_neg * label.freq_neg for label in labels]
    chart = class_bars(
        "chart-weighted",
        "Contribution of positives and negatives after weighting",
        "With w_pos = freq_neg and w_neg = freq_pos, each class's positives and "
        "negatives contribute w_pos * freq_pos = w_neg * freq_neg: the bars are equal.",
        labels,
        (positive, negative),
        ("positives: w_pos * freq_pos", "negatives: w_neg * freq_neg"),
        "weighted contribution",
    )
    table = Table(
        columns=("class", "w_pos", "w_neg", "pos_weight (PyTorch)", "contribution each"),
        numeric=(False, True, True, True, True),
        rows=tuple(
            (
                label.name,
                f"{label.w_pos:.6f}",
                f"{label.w_neg:.6f}",
                "-" if label.pos_weight is None else f"{label.pos_weight:,.4f}",
                f"{label.w_pos * label.freq_pos:.6f}",
            )
            for label in labels
        ),
    )
    text = Text(
        "Weighted cross-entropy with w_pos = freq_neg for positives and w_neg = freq_pos for "
        "negatives makes both halves of every class weigh the same. PyTorch's "
        "BCEWithLogitsLoss takes the ratio instead: pos_weight = negatives / positives."
    )
    tables = class_tables(table, labels, elsewhere, elsewhere.weights)
    blocks: tuple[Block, ...] = (text, chart, *tables)
    # 5,000 classes of JSON would be most of the page; `elsewhere` names where they are.
    if not long_list(len(labels)):
        weights = compact_json(weights_json(stats))
        blocks += (Code("json", weights, "The weights, in the input's class order"),)
    return Section("weights", "Class weights for a weighted loss", blocks)
