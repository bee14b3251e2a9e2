"""Schema rules on the label options (SG108, SG109): classes that betray a wrong option."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from splitguard.core.arrays import sorted_unique
from splitguard.core.options import LABEL_COLS, NONE, SEP
from splitguard.core.shapes.registry import frame_shape
from splitguard.core.wording import counted
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule
from splitguard.rules.where import frame_rows

# Separators seen in label tables; a space is not one (class names hold spaces).
SEPARATORS = ("|", ",", ";", "/", "+")


@dataclass(frozen=True, slots=True)
class SeparatorFit:
    """What splitting every class name at `separator` would give."""

    separator: str
    classes_after: int
    names_split: tuple[str, ...]
    names_explained: int


def separator_fit(classes: Sequence[str], separator: str) -> SeparatorFit:
    """Split every class name at `separator`; count what becomes of the class list.

    A name is explained when each of its parts is a class already (`Mass|Nodule` when
    `Mass` and `Nodule` stand alone elsewhere).
    """
    known = set(classes)
    after: set[str] = set()
    split: list[str] = []
    explained = 0
    for name in classes:
        parts = [part.strip() for part in name.split(separator) if part.strip()]
        after.update(parts)
        if len(parts) > 1:
            split.append(name)
            explained += all(part in known for part in parts)
    return SeparatorFit(separator, len(after), tuple(split), explained)


def likelier_separator(classes: Sequence[str], current: str | None) -> SeparatorFit | None:
    """The separator that shrinks the class list the most, if one shrinks it convincingly.

    Convincingly: some names split into classes that stand alone, or the list at least
    halves (every row has two labels, so no class stands alone, but the parts recur).
    """
    fits = [separator_fit(classes, s) for s in SEPARATORS if s != current]
    useful = [
        fit
        for fit in fits
        if fit.classes_after < len(classes)
        and (fit.names_explained or 2 * fit.classes_after <= len(classes))
    ]
    if not useful:
        return None
    return min(useful, key=lambda fit: (fit.classes_after, -fit.names_explained))


class LikelierSeparator(Rule):
    """Class names hold a separator that `--sep` does not split at.

    ## What it does
    For delimited and long labels, splits every class name at each common separator
    (`|`, `,`, `;`, `/`, `+`) other than `--sep`. When one of them shrinks the class
    list and turns names into classes that already stand alone (`Mass|Nodule` beside
    `Mass` and `Nodule`), or at least halves the list, it names the separator that
    leaves the fewest classes.

    ## Why it matters
    With the wrong separator every combination of findings becomes a class of its own:
    NIH ChestX-ray14 read with `--sep ","` has 835 classes instead of 14, most with a
    handful of rows, and every split and weight computed from them is meaningless.

    ## Example
    NIH with `--sep ","`: `SG108 821 of 835 class names contain '|' ...: with --sep '|'
    the table has 14 classes, not 835.`

    ## Options
    `sep`.

    ## Fix
    Pass the separator the finding names (`--sep "|"`).
    """

    code = "SG108"
    name = "likelier-separator"
    family = "schema"
    severity: ClassVar[Severity] = "warning"
    options = (SEP,)

    def check(self, context: Context) -> Iterator[Finding]:
        frame = context.frame
        column = frame_shape(frame).label_column(frame.spec)
        if column is None:
            return
        fit = likelier_separator(frame.classes, frame.spec.sep)
        if fit is None:
            return
        given = (
            f"--sep {frame.spec.sep!r} does not split at it"
            if frame.spec.sep
            else "no --sep is given"
        )
        split = [frame.classes.index(name) for name in fit.names_split]
        rows = sorted_unique(np.concatenate([frame.rows_of(label) for label in split]))
        yield self.finding(
            f"{fit.names_explained:,} of {counted(frame.n_classes, 'class name')} contain "
            f"{fit.separator!r} and split at it into classes that stand alone (such as "
            f"{fit.names_split[0]!r}), but {given}: with --sep {fit.separator!r} the table has "
            f"{counted(fit.classes_after, 'class', 'classes')}, not {frame.n_classes:,}.",
            column=column,
            **frame_rows(frame, rows),
        )


class NoneAsClass(Rule):
    """The most frequent class never shares a row with another: it likely means "no finding".

    ## What it does
    In a multi-label table (some row has two classes), reports the most frequent class
    when no row carries it together with any other class.

    ## Why it matters
    A "No Finding" class is the absence of every label, not a label: kept as a class it
    takes the largest share of the weights, gets its own model output, and turns every
    healthy row into a positive.

    ## Example
    NIH without `--none`: `SG109 class 'No Finding' is the most frequent (60,361 rows,
    53.8%) and never shares a row with another class.`

    ## Options
    `none` (delimited and long labels), `label-cols` (wide labels).

    ## Fix
    Pass `--none "No Finding"` (or leave the column out of `--label-cols`); if the class
    is a real label, silence the finding with `--ignore SG109`.
    """

    code = "SG109"
    name = "none-as-class"
    family = "schema"
    severity: ClassVar[Severity] = "warning"
    options = (NONE, LABEL_COLS)

    def check(self, context: Context) -> Iterator[Finding]:
        frame = context.frame
        if frame.n_classes < 2 or not frame.n_rows:
            return
        per_row = frame.label_rows.per_row()
        # A single-label table keeps every class alone by design.
        if not (per_row > 1).any():
            return
        top = int(np.argmax(frame.positives))
        rows = frame.rows_of(top)
        if not len(rows) or (per_row[rows] > 1).any():
            return
        label = frame.classes[top]
        fix = frame_shape(frame).none_fix(label)
        yield self.finding(
            f"class {label!r} is the most frequent ({counted(len(rows), 'row')}, "
            f"{len(rows) / frame.n_rows:.1%}) and never shares a row with another class: if it "
            f"means no finding, {fix}.",
            label=label,
            **frame_rows(frame, rows),
        )
