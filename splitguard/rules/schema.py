"""Schema rules (SG1xx): is the label table sound before anything is counted?"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from splitguard.core.options import CLASSES
from splitguard.core.shapes.registry import frame_shape
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.leakage_keys import HASH_COL
from splitguard.rules.schema_cells import BareCellInListColumn, MixedLabelEncoding
from splitguard.rules.schema_classes import ClassWithoutPositives, UnknownClass
from splitguard.rules.schema_options import LikelierSeparator, NoneAsClass
from splitguard.rules.schema_values import (
    DuplicateRowId,
    InvalidLabelValue,
    MissingGroupKey,
    MissingRowId,
)


class MissingColumn(Rule):
    """A column the options name is missing, or empty in one of the split files.

    ## What it does
    Checks that every `--hash-col` column exists and has values in every input file,
    and that every class declared in the config's `classes` has a wide label column.

    ## Why it matters
    A file-leak check on a missing hash column finds nothing and says nothing: the gate
    looks green while it checks less than it promises.

    ## Example
    `splitguard check train=a.csv test=b.csv --hash-col sha256` where `b.csv` has no
    `sha256` column: `SG101 column 'sha256' is empty in b.csv`.

    ## Options
    `hash-col`, `classes` (config).

    ## Fix
    Add the column to every file, or stop naming it.
    """

    code = "SG101"
    name = "missing-column"
    family = "schema"
    severity: ClassVar[Severity] = "error"
    options = (HASH_COL, CLASSES)

    def check(self, context: Context) -> Iterator[Finding]:
        frame = context.frame
        present = frame.table.column_names
        for column in context.option(HASH_COL):
            if column not in present:
                yield self.finding(
                    f"column {column!r} (--hash-col) is not in the table.", column=column
                )
                continue
            values = frame.table.column(column)
            for source in frame.sources if values.null_count else ():
                part = values.slice(source.start, source.stop - source.start)
                if part.null_count == len(part):
                    # A source with no one file (an engine's sample) is named by its split.
                    place = source.path or source.split
                    yield self.finding(
                        f"column {column!r} (--hash-col) is empty in {place}.",
                        column=column,
                        file=source.path,
                        split=source.split,
                    )
        for label in frame_shape(frame).absent_class_columns(frame):
            yield self.finding(
                f"declared class {label!r} has no label column.", label=label, column=label
            )


RULES: list[type[Rule]] = [
    MissingColumn,
    DuplicateRowId,
    MissingRowId,
    MissingGroupKey,
    InvalidLabelValue,
    UnknownClass,
    ClassWithoutPositives,
    LikelierSeparator,
    NoneAsClass,
    MixedLabelEncoding,
    BareCellInListColumn,
]
