"""A table's counts without its rows: what the counts rules read, whoever counted.

`Aggregates.of(frame)` counts a table held in memory; an engine (Spark) counts one that
is not, and gives its counts as `TableCounts`. Both answer the `Counts` protocol, so
the rules that read only counts (`Rule.reads = "counts"`) run on either. They are
per-split and per-class arrays and the leaked groups: nothing grows with the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np


@dataclass(frozen=True, slots=True)
class LeakedGroups:
    """The groups with rows in more than one split, in the order of their names.

    `first_rows` holds, per group and split, the id of the group's first row there
    (None where the group has no row there); it is empty when not known (the frame
    that was counted names its rows itself).
    """

    names: np.ndarray  # (L,) group names
    rows_by_split: np.ndarray  # (L, S) int64
    first_rows: np.ndarray  # (L, S) object, or (0, S)

    def __len__(self) -> int:
        return len(self.names)


class Counts(Protocol):
    """What the rules that read counts may read, for a table with or without splits.

    Splits are numbered as in `split_names`; a table without splits counts as one split
    named `all`. Arrays are int64.
    """

    @property
    def split_names(self) -> tuple[str, ...]: ...
    @property
    def classes(self) -> tuple[str, ...]: ...
    @property
    def n_splits(self) -> int: ...
    @property
    def n_rows(self) -> int: ...
    @property
    def n_groups(self) -> int: ...
    @property
    def rows_by_split(self) -> np.ndarray:
        """Rows per split, (S,)."""

    @property
    def positives_by_split(self) -> np.ndarray:
        """Positive rows per split and class, (S, C)."""

    @property
    def positive_groups_by_split(self) -> np.ndarray:
        """Groups with a positive row, per split and class, (S, C)."""

    @property
    def positives(self) -> np.ndarray:
        """Positive rows per class, (C,)."""

    @property
    def positive_groups(self) -> np.ndarray:
        """Groups with a positive row per class over the whole table, (C,)."""

    @property
    def group_square_sums(self) -> np.ndarray:
        """Per class, the sum over groups of the square of the group's positive rows, (C,):
        the spread of a split that draws whole groups at random (SG304)."""

    @property
    def leaked_groups(self) -> LeakedGroups: ...


@dataclass(frozen=True, eq=False)
class TableCounts:
    """`Counts` given as numbers, by an engine that counted a table it did not load.

    `label_faults` holds, per label column, the rows whose cell the shape and policies
    do not allow (SG105), counted over the whole table; the engine's sample holds the
    rows of the first of them.
    """

    split_names: tuple[str, ...]
    classes: tuple[str, ...]
    rows_by_split: np.ndarray
    positives_by_split: np.ndarray
    positive_groups_by_split: np.ndarray
    positive_groups: np.ndarray
    group_square_sums: np.ndarray
    n_groups: int
    leaked_groups: LeakedGroups
    label_faults: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        shape = (len(self.split_names), len(self.classes))
        for name in ("positives_by_split", "positive_groups_by_split"):
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} is {getattr(self, name).shape}, not {shape}")
        if self.leaked_groups.rows_by_split.shape[1:] != (len(self.split_names),):
            raise ValueError("leaked_groups.rows_by_split needs one column per split")

    @property
    def n_splits(self) -> int:
        return len(self.split_names)

    @property
    def n_rows(self) -> int:
        return int(self.rows_by_split.sum())

    @cached_property
    def positives(self) -> np.ndarray:
        totals: np.ndarray = self.positives_by_split.sum(axis=0)
        return totals

    @classmethod
    def of_records(
        cls,
        split_names: Sequence[str],
        classes: Sequence[str],
        *,
        rows: Iterable[tuple[str, int]],
        split_classes: Iterable[tuple[str, str, int, int]],
        class_groups: Iterable[tuple[str, int, int]],
        leaked: Iterable[tuple[str, str, int, str | None]],
        n_groups: int,
    ) -> TableCounts:
        """The counts of an engine's group-by results, keyed by split and class name.

        `rows`: (split, rows); `split_classes`: (split, class, positive rows, positive
        groups); `class_groups`: (class, positive groups, sum of squared positive rows
        per group); `leaked`: (group, split, rows, first row id, None without an id
        column) for the groups in more than one split. Pairs left out count zero.
        """
        split_at = {name: index for index, name in enumerate(split_names)}
        class_at = {name: index for index, name in enumerate(classes)}
        shape = (len(split_names), len(classes))
        rows_by_split = np.zeros(len(split_names), dtype=np.int64)
        for split, count in rows:
            rows_by_split[split_at[split]] = count
        positives = np.zeros(shape, dtype=np.int64)
        positive_groups = np.zeros(shape, dtype=np.int64)
        for split, label, count, groups in split_classes:
            positives[split_at[split], class_at[label]] = count
            positive_groups[split_at[split], class_at[label]] = groups
        groups_of_class = np.zeros(len(classes), dtype=np.int64)
        squares = np.zeros(len(classes), dtype=np.int64)
        for label, groups, square_sum in class_groups:
            groups_of_class[class_at[label]] = groups
            squares[class_at[label]] = square_sum
        return cls(
            tuple(split_names),
            tuple(classes),
            rows_by_split,
            positives,
            positive_groups,
            groups_of_class,
            squares,
            n_groups,
            _leaked(list(leaked), split_at),
        )


def _leaked(
    records: list[tuple[str, str, int, str | None]], split_at: dict[str, int]
) -> LeakedGroups:
    names = np.array(sorted({group for group, *_ in records}), dtype=object)
    group_at = {name: index for index, name in enumerate(names)}
    rows = np.zeros((len(names), len(split_at)), dtype=np.int64)
    first = np.full((len(names), len(split_at)), None, dtype=object)
    for group, split, count, first_row in records:
        rows[group_at[group], split_at[split]] = count
        first[group_at[group], split_at[split]] = first_row
    if not any(row is not None for *_, row in records):
        first = first[:0]  # no row ids known (a table without an id column)
    return LeakedGroups(names, rows, first)
