"""`LabelShape`: one way of writing labels in a table, read, validated and checked.

A shape is a strategy object, as a pre-commit language or a flake8 formatter is: the
loader and the schema rules ask the shape and never branch on it. Each shape is one
module in this package, registered under the `splitguard.shapes` entry-point group (the
built-in ones as a plugin's would be): docs/architecture.md, "Add a label shape".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from splitguard.core.errors import OptionError

if TYPE_CHECKING:
    import pyarrow as pa

    from splitguard.core.frame import LabelFrame
    from splitguard.core.labels import Locator, Parsed
    from splitguard.core.spec import LabelSpec

# The options that say where the labels are: a shape reads its labels from one of them.
LOCATIONS = ("labels", "label-cols", "long")


def location_value(spec: LabelSpec, option: str) -> str | tuple[str, ...] | None:
    """The value `spec` gives the location option `option` (`label-cols` -> `label_cols`)."""
    value: str | tuple[str, ...] | None = getattr(spec, option.replace("-", "_"))
    return value


@dataclass(frozen=True, slots=True)
class CellCheck:
    """What the cells of one label column may hold; SG105 reports the rows that do not.

    `values` turns the column as read into the text values checked (trimmed, lower-cased,
    blanks as null); None checks the cells as read. `allowed` None allows any value.
    pandera validates the check; an Arrow screen skips it when no cell can fail.
    """

    column: str
    nullable: bool
    allowed: frozenset[str] | None = None
    values: Callable[[pa.ChunkedArray], pa.ChunkedArray] | None = None


class LabelShape(ABC):
    """How labels of one shape are found, parsed and checked.

    Subclasses set `name` (the value of `--shape`) and `option` (the option naming the
    label column or columns: one of `LOCATIONS`), and implement `parse`. The other
    methods have the defaults of a shape with one label column and one row per item.
    """

    name: ClassVar[str]
    option: ClassVar[str]
    # False: several table rows (one per label) make one item, the rows that share an
    # --id (and a split). The loader merges them; ids then repeat by design.
    one_row_per_item: ClassVar[bool] = True

    def claims(self, spec: LabelSpec, table: pa.Table | None) -> bool:
        """Whether this shape reads `spec`'s labels when no `--shape` names one.

        `table` is None when the spec is checked, before a table is read: then say
        whether the shape may read them (its `check_spec` runs). With the table, exactly
        one shape must claim them. A shape that reads only what `--shape` names it for
        (a plugin's, usually) keeps this default.
        """
        return False

    def check_spec(self, spec: LabelSpec) -> None:
        """Refuse options this shape cannot read labels with (an `OptionError`)."""
        given = [option for option in LOCATIONS if location_value(spec, option)]
        if self.option not in given:
            raise OptionError(
                f"--shape {self.name} reads its labels from --{self.option}, not "
                f"--{given[0]}. Give the label column with --{self.option}."
            )
        if not self.one_row_per_item and not spec.id:
            raise OptionError(
                f"--{self.option} needs --id COL: the column that names the item a row labels."
            )
        column = self.label_column(spec)
        for option, keys in (("--id", (spec.id,)), ("--group", spec.group)):
            if column and column in keys:
                raise OptionError(
                    f"column {column!r} is given as the labels and as {option}; a "
                    "column holds either labels or keys. Give the label column to --labels "
                    f"(or --long) and the key column to {option}."
                )

    def label_column(self, spec: LabelSpec) -> str | None:
        """The one column whose cells name classes; None for a shape of several columns."""
        value = location_value(spec, self.option)
        return value if isinstance(value, str) else None

    @abstractmethod
    def parse(self, table: pa.Table, spec: LabelSpec, *, strict: bool, where: Locator) -> Parsed:
        """Each table row's labels, classes in sorted order.

        With `strict=True` a cell the shape does not allow is a `LabelValueError` naming
        `where(row)`; with `strict=False` (the linter) it reads as no label, and
        `cell_checks` let SG105 report it.
        """

    def cell_checks(self, frame: LabelFrame) -> list[CellCheck]:
        """The checks SG105 runs on the label cells: by default, no empty cell unless
        `--blank negative`."""
        column = self.label_column(frame.spec)
        if column is None or frame.spec.blank != "error":
            return []
        return [CellCheck(column, nullable=False)]

    def flag_columns(self, frame: LabelFrame) -> list[str]:
        """Label columns whose cells each say yes or no for one class (SG110 checks that
        each says it one way)."""
        return []

    def absent_class_columns(self, frame: LabelFrame) -> list[str]:
        """Declared classes whose own label column the table lacks (SG101)."""
        return []

    def none_fix(self, label: str) -> str:
        """How to stop reading `label`, a class that means no finding, as a class (SG109)."""
        return f'pass --none "{label}"'
