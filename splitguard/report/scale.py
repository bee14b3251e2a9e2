"""Which classes a chart draws: all of a short list, the two ends of a long one.

A chart of 835 classes is 250 inches tall and takes seconds to draw; nobody reads it.
The commonest and the rarest classes are the ones a reader looks for, so a long list
is drawn as its two ends with a marked gap; the tables beside the charts keep them all,
up to `TABLE_CLASSES` classes. Past that a page would weigh megabytes: the tables show
their two ends too, and `Elsewhere` names where every class is (`split` writes
classes.csv and split_classes.csv beside its report).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from splitguard.report.document import Table

DRAWN_EACH_END = 30
NAME_CHARS = 40
# More classes than this, and a table shows `TABLE_EACH_END` rows at each end.
TABLE_CLASSES = 300
TABLE_EACH_END = 20
# The files `split` and `fix` write beside the report of a long class list.
CLASSES_CSV = "classes.csv"
SPLIT_CLASSES_CSV = "split_classes.csv"


def long_list(total: int) -> bool:
    """Too many classes for a table of every one on the page."""
    return total > TABLE_CLASSES


def end_tables(
    table: Table, rarest: list[int], commonest: list[int], total: int, *, each_split: bool
) -> tuple[Table, Table]:
    """The rows `rarest` (rarest class first) and `commonest` of `table`, a table of
    `total` classes (by split with `each_split`), as two captioned tables; the second
    says how many rows are left out between them."""
    from splitguard.report.document import Table

    more = f"{total - 2 * TABLE_EACH_END:,} classes in between are not shown here."
    suffix = ", in each split" if each_split else ""

    def part(rows: list[int], caption: str, omitted: int) -> Table:
        return Table(
            columns=table.columns,
            rows=tuple(table.rows[row] for row in rows),
            numeric=table.numeric,
            caption=caption + suffix,
            status=tuple(table.status[row] for row in rows) if table.status else (),
            omitted=omitted,
            more=more,
        )

    between = len(table.rows) - len(rarest) - len(commonest)
    return (
        part(rarest, f"The {TABLE_EACH_END} rarest of {total:,} classes, rarest first", 0),
        part(commonest, f"The {TABLE_EACH_END} commonest of {total:,} classes", between),
    )


@dataclass(frozen=True, slots=True)
class Elsewhere:
    """Where a page that leaves classes out sends the reader for all of them.

    Each is a sentence; `links` are the files it names beside the report.
    """

    classes: str
    weights: str
    coverage: str
    links: tuple[str, ...] = ()


def short_name(name: str, limit: int = NAME_CHARS) -> str:
    """A class name cut to `limit` characters for an axis label (the tables hold it whole)."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Drawn:
    """The classes a chart draws, in drawing order (bottom row first), out of `total`.

    `positions` index the list the classes were chosen from; `gap_at` is the number of
    drawn rows below the gap (None when every class is drawn).
    """

    positions: tuple[int, ...]
    total: int
    gap_at: int | None

    @property
    def omitted(self) -> int:
        return self.total - len(self.positions)

    def names(self, names: Sequence[str]) -> list[str]:
        """The drawn classes' axis labels, from the full list of names."""
        return [short_name(names[position]) for position in self.positions]

    def pick(self, values: Sequence[float]) -> list[float]:
        return [values[position] for position in self.positions]

    def note(self, noun: str = "classes") -> str:
        """What the chart leaves out, in words ('' when it draws everything)."""
        if self.gap_at is None:
            return ""
        each = len(self.positions) // 2
        where = "counted below" if long_list(self.total) else "in the table below"
        return (
            f"Drawn: the {each} most and the {each} least frequent of {self.total:,} {noun} "
            f"(dashed line: {self.omitted:,} {noun} in between, {where})."
        )


def ends(total: int, each: int = DRAWN_EACH_END) -> Drawn:
    """Classes sorted most frequent first: draw all when they fit, else the two ends.

    Drawing order is bottom-up (matplotlib's first bar is the lowest), so the most
    frequent class ends on top.
    """
    if total <= 2 * each:
        return Drawn(tuple(range(total - 1, -1, -1)), total, None)
    rarest = range(total - 1, total - 1 - each, -1)
    commonest = range(each - 1, -1, -1)
    return Drawn((*rarest, *commonest), total, each)
