"""`LabelSpec`: where a table keeps its labels, ids, groups and splits (the input options)."""

from __future__ import annotations

from dataclasses import dataclass

from splitguard.core.errors import OptionError


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
        if self.none and self.label_cols:
            raise OptionError(
                f"--none {self.none[0]!r} applies to --labels and --long; wide labels "
                "(--label-cols) have no such value. Leave that column out of --label-cols "
                "instead."
            )
        if self.long and not self.id:
            raise OptionError("--long needs --id COL: the column that names the item a row labels.")
        label_column = self.labels or self.long
        for option, keys in (("--id", (self.id,)), ("--group", self.group)):
            if label_column and label_column in keys:
                raise OptionError(
                    f"column {label_column!r} is given as the labels and as {option}; a "
                    "column holds either labels or keys. Give the label column to --labels "
                    f"(or --long) and the key column to {option}."
                )
        for option, value in (("--uncertain", self.uncertain), ("--blank", self.blank)):
            allowed = (
                ("negative", "positive", "error")
                if option == "--uncertain"
                else (
                    "negative",
                    "error",
                )
            )
            if value not in allowed:
                raise OptionError(
                    f"{option} {value!r} is not a policy; use one of {', '.join(allowed)}."
                )

    @property
    def named_columns(self) -> tuple[str, ...]:
        """The id, split, label and group columns: never a wide label column of a glob."""
        named = [self.id, self.split_col, self.labels, self.long, *self.group]
        return tuple(c for c in named if c)
