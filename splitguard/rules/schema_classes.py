"""Schema rules on the class list (SG106, SG107)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from splitguard.core.options import CLASSES
from splitguard.core.wording import counted
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.where import frame_rows


class UnknownClass(Rule):
    """A label name is not among the classes declared in the config.

    ## What it does
    When the config declares `classes = [...]`, reports every label name in the table
    that is not one of them, with the rows that carry it. More than 20 undeclared names
    make one finding that names the most carried and lists them all (`classes` in json
    and sarif).

    ## Why it matters
    A typo (`Efusion`) or a renamed finding becomes a class of its own: the model gets
    an extra output and the real class loses its positives.

    ## Example
    `classes = ["Effusion", ...]` and a cell `Efusion`: `SG106 label 'Efusion' is not a
    declared class (12 rows carry it).`

    ## Options
    `classes` (config only).

    ## Fix
    Correct the label cells, or add the name to `classes`.
    """

    code = "SG106"
    name = "unknown-class"
    family = "schema"
    severity: ClassVar[Severity] = "error"
    options = (CLASSES,)
    class_list = "{classes} in the table are not declared{where} (rows, most first)"

    def check(self, context: Context) -> Iterator[Finding]:
        frame = context.frame
        if frame.declared_classes is None:
            return
        declared = set(frame.declared_classes)
        for index, label in enumerate(frame.classes):
            if label not in declared:
                rows = frame.rows_of(index)
                yield self.finding(
                    f"label {label!r} is not a declared class "
                    f"({counted(len(rows), 'row')} {'carries' if len(rows) == 1 else 'carry'} it).",
                    label=label,
                    count=len(rows),
                    # The most carried undeclared name loses the most rows to a typo.
                    worse=float(len(rows)),
                    **frame_rows(frame, rows),
                )


class ClassWithoutPositives(Rule):
    """A class has no positive row in the whole table.

    ## What it does
    Reports every class (a wide label column, or a declared class) that no row is
    positive for. More than 20 such classes make one finding that lists them all
    (`classes` in json and sarif).

    ## Why it matters
    The model gets an output it can never learn, and every metric for it is undefined.

    ## Example
    A `Hernia` column of zeros only: `SG107 class 'Hernia' has no positive row`.

    ## Options
    None.

    ## Fix
    Drop the class from the label set, or add the data that has it.
    """

    code = "SG107"
    name = "class-without-positives"
    family = "schema"
    severity: ClassVar[Severity] = "error"
    class_list = "{classes} have no positive row"
    reads = "counts"

    def check(self, context: Context) -> Iterator[Finding]:
        positives = context.counts.positives
        for index in np.flatnonzero(positives == 0):
            label = context.counts.classes[int(index)]
            yield self.finding(f"class {label!r} has no positive row.", label=label, count=0)
