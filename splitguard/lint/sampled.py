"""A table linted from its counts and a sample of its rows (an engine's `check`).

The rules that read counts (`Rule.reads = "counts"`: leakage by group, coverage,
imbalance) run on the whole table's counts; the rules that read rows (the schema
checks) on a sample of whole groups, which the findings and the summary name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from splitguard.core.wording import counted

if TYPE_CHECKING:
    import pyarrow as pa

    from splitguard.core.counts import Counts
    from splitguard.core.frame import LabelFrame
    from splitguard.core.spec import LabelSpec


@dataclass(frozen=True, slots=True)
class Sample:
    """How many rows and groups of the table the rules that read rows saw."""

    rows: int
    groups: int
    table_rows: int
    table_groups: int
    seed: int

    @property
    def whole(self) -> bool:
        return self.rows >= self.table_rows

    def describe(self) -> str:
        """'a sample of 100,000 of 2,000,000 rows (25,000 of 500,000 groups, seed 0)'."""
        if self.whole:
            return f"all {counted(self.table_rows, 'row')}"
        return (
            f"a sample of {self.rows:,} of {counted(self.table_rows, 'row')} "
            f"({self.groups:,} of {counted(self.table_groups, 'group')}, seed {self.seed})"
        )

    def as_dict(self, codes: list[str]) -> dict[str, Any]:
        return {
            "rules": codes,
            "rows": self.rows,
            "of_rows": self.table_rows,
            "groups": self.groups,
            "of_groups": self.table_groups,
            "seed": self.seed,
        }


@dataclass(frozen=True, eq=False)
class SampledTable:
    """The whole table's counts and a sample of its rows, read as a `LabelFrame`."""

    counts: Counts
    frame: LabelFrame
    sample: Sample


def sample_frame(parts: Sequence[tuple[str | None, str, pa.Table]], spec: LabelSpec) -> LabelFrame:
    """The sampled rows read as the loader reads any table: (split, file, rows) per split
    (split None: a table without splits). Its sources name the files the rows came
    from, as tables in memory: a sample row has no line in its file."""
    from splitguard.core.load import load_frame

    # A split the sample missed (a small one) is left out: the loader refuses empty tables.
    parts = [part for part in parts if part[2].num_rows] or list(parts[:1])
    if len(parts) == 1 and parts[0][0] is None:
        data: Any = parts[0][2]
    else:
        data = {split: table for split, _, table in parts}
    frame = load_frame(data, replace(spec, split_col=None), strict=False)
    sources = tuple(
        replace(source, path=file)
        for source, (_, file, _) in zip(frame.sources, parts, strict=True)
    )
    return replace(frame, sources=sources)
