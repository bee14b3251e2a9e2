"""Sections on the splits: per-class coverage, group sizes and leakage."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from splitguard.core.class_stats import TableStats
from splitguard.core.intervals import sensitivity_interval
from splitguard.lint.findings import Finding
from splitguard.report import charts
from splitguard.report.document import Chart, Facts, Section, Table, Text
from splitguard.report.fmt import count, number, share
from splitguard.report.model import (
    DEVIATION_MIN_POSITIVES,
    SIZE_BINS,
    CoverageEntry,
    Shortfall,
    SplitEntry,
    TrainFloor,
)
from splitguard.report.scale import TABLE_EACH_END, Elsewhere, end_tables, ends, long_list

SENSITIVITY = 0.75


def interval_text(positives: int) -> str:
    """The 95% interval of a measured sensitivity of 0.75 over `positives` positives."""
    if positives <= 0:
        return "no positives"
    low, high = sensitivity_interval(positives, SENSITIVITY)
    return f"{low:.2f}-{high:.2f}"


def coverage_status(entry: CoverageEntry) -> str:
    if entry.positives < entry.minimum:
        return "below minimum"
    if entry.positives == 0:
        return "absent"
    return "ok"


# Bins of a class's positive rows in one split, for the shape of a long class list.
SPLIT_POSITIVE_BINS = ((0, 0, "none"), (1, 9, "1-9"), (10, 99, "10-99"),
                       (100, 999, "100-999"), (1_000, None, "1k+"))  # fmt: skip


def coverage_distribution(
    coverage: Sequence[CoverageEntry], split_names: Sequence[str], n_classes: int
) -> tuple[Chart, Table]:
    """Per split, how many classes have none, 1-9, 10-99, ... positive rows in it."""
    counts = {name: [0 for _ in SPLIT_POSITIVE_BINS] for name in split_names}
    for entry in coverage:
        for index, (low, high, _) in enumerate(SPLIT_POSITIVE_BINS):
            if (
                entry.split in counts
                and low <= entry.positives
                and (high is None or entry.positives <= high)
            ):
                counts[entry.split][index] += 1
    bins = [name for _, _, name in SPLIT_POSITIVE_BINS]
    title = "Classes by their positive rows in each split"
    chart = Chart(
        title=title,
        description=f"All {n_classes:,} classes: the share of them with none, 1-9, 10-99, "
        "... positive rows in each split.",
        draw=partial(
            charts.group_size_chart,
            "chart-coverage-sizes",
            title,
            "Grouped bars: share of classes per bin of positive rows, one bar per split.",
            bins,
            {name: [n / (n_classes or 1) for n in values] for name, values in counts.items()},
            "positive rows of the class in the split",
            "share of classes",
        ),
    )
    table = Table(
        columns=("split", *(f"{name} positive" for name in bins)),
        numeric=(False, *(True for _ in bins)),
        rows=tuple((name, *(count(n) for n in values)) for name, values in counts.items()),
        caption="Classes per split, by positive rows",
    )
    return chart, table


def furthest_sentence(coverage: Sequence[CoverageEntry]) -> str:
    """The class-split pairs furthest from their target, among the classes with
    `DEVIATION_MIN_POSITIVES` positive rows or more (as the worst relative deviation)."""
    totals: dict[str, int] = {}
    for entry in coverage:
        totals[entry.label] = totals.get(entry.label, 0) + entry.positives
    measured = [e for e in coverage if totals[e.label] >= DEVIATION_MIN_POSITIVES and e.target > 0]
    if not measured:
        return ""
    worst = sorted(measured, key=lambda e: (-abs(e.positives - e.target) / e.target, e.label))
    listed = ", ".join(
        f"{e.label} in {e.split} ({e.positives:,} positive rows for a target of "
        f"{e.target:,.1f}, {(e.positives - e.target) / e.target:+.0%})"
        for e in worst[:5]
    )
    return (
        f"Furthest from their target among the classes with {DEVIATION_MIN_POSITIVES:,} "
        f"positive rows or more: {listed}."
    )


def coverage_tables(
    table: Table, classes: list[str], elsewhere: Elsewhere
) -> tuple[Table | Text, ...]:
    """`table` (rows by class in `classes` order, then split) whole, or for a long class
    list the rows of its rarest (rarest first) and commonest `TABLE_EACH_END` classes."""
    if not long_list(len(classes)):
        return (table,)
    each, total = TABLE_EACH_END, len(classes)
    order = {name: index for index, name in enumerate(classes)}

    def rows_of(names: list[str], rarest_first: bool) -> list[int]:
        wanted = {name: -order[name] if rarest_first else order[name] for name in names}
        picked = [index for index, row in enumerate(table.rows) if row[0] in wanted]
        # Stable: each class keeps its splits in the table's order.
        return sorted(picked, key=lambda index: wanted[table.rows[index][0]])

    rarest, commonest = rows_of(classes[-each:], True), rows_of(classes[:each], False)
    return (
        *end_tables(table, rarest, commonest, total, each_split=True),
        Text(elsewhere.coverage, elsewhere.links),
    )


def coverage_section(
    coverage: Sequence[CoverageEntry],
    splits: Sequence[SplitEntry],
    classes: list[str],
    elsewhere: Elsewhere,
    *,
    shortfalls: Sequence[Shortfall] | None = None,
    floor: TrainFloor | None = None,
) -> Section:
    """`classes` in the order to show them (rarest last); `shortfalls` as report.json has
    them (None: measured against the entries' minimums); `elsewhere`: where the classes
    are that a long list leaves out of the page."""
    from splitguard.report.summary import coverage_sentence

    split_names = [split.name for split in splits]
    cells = {
        (entry.label, entry.split): (
            entry.positives,
            entry.target,
            entry.minimum,
            interval_text(entry.positives),
        )
        for entry in coverage
    }
    drawn = ends(len(classes))
    description = (
        "Bars: positive rows of each class per split (red when below the minimum). "
        "Diamond: the target (the split's share of the class). Red tick: the minimum "
        "asked for. Text: the 95% Wilson interval a measured sensitivity of 0.75 "
        "would have with that many positives."
    )
    chart = Chart(
        title="Positives per class in each split, against target and minimum",
        description=f"{description} {drawn.note()}".strip(),
        draw=partial(
            charts.coverage_chart,
            "chart-coverage",
            "Positives per class in each split, against target and minimum",
            "One panel per split; bars per class with target and minimum marks.",
            [classes[position] for position in drawn.positions],
            split_names,
            cells,
            drawn.names(classes),
            drawn.gap_at,
            drawn.note(),
        ),
    )
    order = {name: index for index, name in enumerate(classes)}
    split_order = {name: index for index, name in enumerate(split_names)}
    entries = sorted(
        coverage,
        key=lambda e: (order.get(e.label, len(order)), split_order.get(e.split, 0)),
    )
    table = Table(
        columns=(
            "class",
            "split",
            "positives",
            "positive groups",
            "target",
            "minimum",
            "95% interval at sensitivity 0.75",
            "status",
        ),
        numeric=(False, False, True, True, True, True, True, False),
        rows=tuple(
            (
                entry.label,
                entry.split,
                count(entry.positives),
                count(entry.positive_groups),
                f"{entry.target:,.1f}",
                count(entry.minimum),
                interval_text(entry.positives),
                coverage_status(entry),
            )
            for entry in entries
        ),
        status=tuple("" if coverage_status(entry) == "ok" else "bad" for entry in entries),
    )
    text = Text(coverage_sentence(coverage, shortfalls, floor))
    note = Text(
        "A test split measures a class only as well as its positives allow: with 20 "
        "positives a sensitivity of 0.75 could be anywhere in the interval shown, with 4 it "
        "says almost nothing."
    )
    tables = coverage_tables(table, classes, elsewhere)
    if not long_list(len(classes)):
        return Section("coverage", "Coverage per split", (text, chart, note, *tables))
    furthest = furthest_sentence(coverage)
    blocks = (
        text,
        *((Text(furthest),) if furthest else ()),
        chart,
        *coverage_distribution(coverage, split_names, len(classes)),
        note,
        *tables,
    )
    return Section("coverage", "Coverage per split", blocks)


def groups_section(splits: Sequence[SplitEntry], stats: TableStats) -> Section:
    smallest, median, largest = stats.rows_per_group
    overall = Text(
        f"The input: {count(stats.rows)} rows in {count(stats.groups)} groups "
        f"(rows per group: min {number(smallest)}, median {number(median)}, "
        f"max {number(largest)})."
    )
    sizes = Table(
        columns=("split", "rows", "share of rows", "requested", "groups", "rows per group"),
        numeric=(False, True, True, True, True, False),
        rows=tuple(
            (
                split.name,
                count(split.rows),
                share(split.rows / stats.rows) if stats.rows else "-",
                share(split.fraction, 1),
                count(split.groups),
                f"min {split.rows_per_group.smallest}, median {split.rows_per_group.median:g}, "
                f"max {split.rows_per_group.largest}",
            )
            for split in splits
        ),
    )
    bins = [label for label, _, _ in SIZE_BINS]
    histograms = {split.name: split.group_size_histogram for split in splits}
    shares = {
        name: [histogram[b] / (sum(histogram.values()) or 1) for b in bins]
        for name, histogram in histograms.items()
    }
    chart = Chart(
        title="Rows per group in each split",
        description="Share of each split's groups (patients) by their number of rows.",
        draw=partial(
            charts.group_size_chart,
            "chart-groups",
            "Rows per group in each split",
            "Grouped bars: share of each split's groups per group-size bin.",
            bins,
            shares,
        ),
    )
    counts = Table(
        columns=("split", *(("1 row" if b == "1" else f"{b} rows") for b in bins)),
        numeric=(False, *(True for _ in bins)),
        rows=tuple(
            (name, *(count(histogram[b]) for b in bins)) for name, histogram in histograms.items()
        ),
        caption="Groups per size",
    )
    return Section("groups", "Splits and group sizes", (overall, sizes, chart, counts))


def leakage_section(leaked_groups: int | None, findings: Sequence[Finding]) -> Section:
    leaks = [finding for finding in findings if finding.family == "leakage"]
    if leaked_groups is None:
        leaked_groups = sum(finding.location.n_groups for finding in leaks)
    clean = leaked_groups == 0 and not leaks
    facts = Facts(
        (
            ("Groups in more than one split", count(leaked_groups)),
            ("Leakage findings", count(len(leaks))),
        ),
        status=("ok" if clean else "bad", "ok" if not leaks else "bad"),
    )
    text = Text(
        "No group (patient), row id or file is in more than one split."
        if clean
        else "Some groups are in more than one split: a model tested on them has seen them."
    )
    return Section("leakage", "Leakage check", (text, facts))
