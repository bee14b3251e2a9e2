"""`LabelSpec`: where a table keeps its labels, ids, groups and splits (the input options)."""

from __future__ import annotations

from dataclasses import dataclass

from splitguard.core.errors import OptionError
from splitguard.core.options import blank_policy, uncertain_policy
from splitguard.core.shapes.registry import candidate_shapes


@dataclass(frozen=True, slots=True)
class LabelSpec:
    """How to read labels, ids, groups and splits from a table (the input options)."""

    labels: str | None = None
    sep: str | None = None
    none: tuple[str, ...] = ()
    label_cols: tuple[str, ...] = ()
    long: str | None = None
    uncertain: str = "error"
    blank: str = "error"
    id: str | None = None
    group: tuple[str, ...] = ()
    split_col: str | None = None
    classes: tuple[str, ...] | None = None
    encoding: str = "utf-8"
    # A registered label shape's name (--shape); None: the shape that claims the labels.
    shape: str | None = None

    def __post_init__(self) -> None:
        # A string names one column (one value), never the characters of a name:
        # LabelSpec(group="Patient ID") is the column 'Patient ID'.
        for name in ("none", "label_cols", "group", "classes"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, (value,))
            elif value is not None and not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        shapes = [bool(self.labels), bool(self.label_cols), bool(self.long)]
        if sum(shapes) != 1:
            raise OptionError(
                "say where the labels are with exactly one of --labels COL (delimited or "
                "list labels), --label-cols A,B,C (wide 0/1 columns) or --long COL "
                "(one row per label)."
            )
        for shape in candidate_shapes(self):
            shape.check_spec(self)
        uncertain_policy(self.uncertain, "--uncertain")
        blank_policy(self.blank, "--blank")

    @property
    def named_columns(self) -> tuple[str, ...]:
        """The id, split, label and group columns: never a wide label column of a glob."""
        named = [self.id, self.split_col, self.labels, self.long, *self.group]
        return tuple(c for c in named if c)
