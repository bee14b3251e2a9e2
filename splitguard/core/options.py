"""Every option once: its help, how its value is read, its default.

The command line and the config file read options through the same definitions, so a
key in `[tool.splitguard]` takes exactly the values its `--flag` takes. Values come as
strings from the command line and as TOML values from a file; each parser takes both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from splitguard.core.errors import OptionError
from splitguard.core.split_names import check_split_names

if TYPE_CHECKING:
    from splitguard.core.spec import LabelSpec

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
Parser = Callable[[Any, str], T]


def nowhere(value: Any) -> bool:
    return False


def anywhere(value: Any) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Option(Generic[T_co]):
    """One option, declared once by the layer or rule that reads it.

    `name` is the config key and the long flag (`--name`); `parse` reads a command-line
    string or a TOML value into the typed value (or raises `OptionError` naming `where`);
    `default` is the value when nothing sets it. `path` says which values are paths: a
    relative one in a config file is relative to the file. `cli=False` declares no flag
    of its own (the config file, `--config KEY=VALUE` and the Python API still set it).
    """

    name: str
    help: str
    parse: Parser[T_co]
    default: T_co
    metavar: str = "TEXT"
    multiple: bool = False
    flag: bool = False
    cli: bool = True
    path: Callable[[Any], bool] = nowhere

    @property
    def keyword(self) -> str:
        """The Python API's keyword: the long flag with `_` (`min-positives` -> `min_positives`)."""
        return self.name.replace("-", "_")


def text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise OptionError(f"{where} takes a string, not {value!r}.")
    return value


def choice(*allowed: str) -> Parser[str]:
    def parse(value: Any, where: str) -> str:
        if value not in allowed:
            raise OptionError(f"{where} {value!r} is not allowed; use one of {', '.join(allowed)}.")
        return str(value)

    return parse


def names(value: Any, where: str) -> tuple[str, ...]:
    """'a,b,c' or ['a', 'b', 'c']; also several command-line uses of the option."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, list | tuple):
        items = [v.strip() for item in value for v in names(item, where)] if value else []
    else:
        raise OptionError(f"{where} takes names separated by commas, not {value!r}.")
    return tuple(i for i in items if i)


def strings(value: Any, where: str) -> tuple[str, ...]:
    """Values kept whole (a `--none` token may hold a comma)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise OptionError(f"{where} takes a string or a list of strings, not {value!r}.")


LARGEST_COUNT = 2**63 - 1


def whole(value: Any, where: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a TOML inf
        raise OptionError(f"{where} takes a whole number, not {value!r}.") from None
    if (
        isinstance(value, float | bool) or (isinstance(value, str) and not value.strip().isdigit())
    ) and str(number) != str(value).strip():
        raise OptionError(f"{where} takes a whole number, not {value!r}.")
    if number < 0:
        raise OptionError(f"{where} takes a number of 0 or more, not {value!r}.")
    return number


def count_or_percent(value: Any, where: str) -> int | str:
    """A whole number of positive rows, or a percent of the class's positive rows ('50%')."""
    if isinstance(value, str) and value.strip().endswith("%"):
        digits = value.strip()[:-1].strip()
        try:
            number = float(digits)
        except ValueError:
            number = math.nan
        if not 0 < number <= 100:
            raise OptionError(
                f"{where} takes a count or a percent above 0 and at most 100 (such as 50%), "
                f"not {value!r}."
            )
        return f"{number:g}%"
    return count(value, where)


def count(value: Any, where: str) -> int:
    """A whole number that numpy counts with (a seed may be larger: `whole`)."""
    number = whole(value, where)
    if number > LARGEST_COUNT:
        # numpy holds larger integers only as Python objects, which its maths refuses.
        raise OptionError(f"{where} takes a number up to {LARGEST_COUNT:,}, not {value!r}.")
    return number


def share(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{where} takes a number from 0 to 1, not {value!r}.") from None
    if not 0 <= number <= 1 or math.isnan(number):
        raise OptionError(f"{where} takes a number from 0 to 1, not {value!r}.")
    return number


def split_pairs(parse_value: Parser[T]) -> Parser[dict[str, T]]:
    """'test=25,val=25' or {test = 25, val = 25}: a value per split name; also several
    command-line uses of the option (`--min-positives val=20 --min-positives test=20`)."""

    def pairs_of(value: Any, where: str) -> list[tuple[Any, Any]]:
        if isinstance(value, Mapping):
            return list(value.items())
        if isinstance(value, list | tuple):
            return [pair for use in value for pair in pairs_of(use, where)]
        if not isinstance(value, str):
            raise OptionError(f"{where} takes SPLIT=VALUE pairs (such as test=25), not {value!r}.")
        pairs = []
        for item in (v.strip() for v in value.split(",") if v.strip()):
            split, sep, number = item.partition("=")
            if not sep or not split.strip():
                raise OptionError(
                    f"{where} takes SPLIT=VALUE pairs separated by commas "
                    f"(such as test=25,val=25), not {item!r}."
                )
            pairs.append((split.strip(), number.strip()))
        return pairs

    def parse(value: Any, where: str) -> dict[str, T]:
        pairs = pairs_of(value, where)
        out: dict[str, T] = {}
        for split, number in pairs:
            if split in out:
                raise OptionError(f"{where} names split {split!r} twice; name it once.")
            out[str(split)] = parse_value(number, f"{where} {split}=")
        return out

    return parse


def fractions(value: Any, where: str) -> dict[str, float]:
    parsed = split_pairs(share)(value, where)
    if not parsed:
        raise OptionError(f"{where} names no split; give such as train=0.8,val=0.1,test=0.1.")
    check_split_names(parsed, where)
    total = sum(parsed.values())
    if abs(total - 1) > 1e-6:
        raise OptionError(
            f"{where} adds up to {total:g}, not 1 "
            f"({', '.join(f'{k}={v:g}' for k, v in parsed.items())}). Make the shares sum to 1."
        )
    return parsed


def path_or_split_paths(value: Any, where: str) -> str | dict[str, str]:
    """A path, or split files: 'train=a.csv,val=b.csv' or {train = "a.csv", ...}."""
    if isinstance(value, Mapping) or (
        isinstance(value, str) and "=" in value and not Path(value).exists()
    ):
        return split_paths(value, where)
    return text(value, where)


MODULE_REFERENCE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def is_module_reference(value: str) -> bool:
    """'package.module:attr' (a schema in Python), as opposed to a file path."""
    return bool(MODULE_REFERENCE.match(value)) and not value.lower().endswith((".yaml", ".yml"))


def encoding(value: Any, where: str) -> str:
    """A text encoding Python knows (utf-8, latin-1, cp1252, ...)."""
    import codecs

    name = text(value, where)
    try:
        codecs.lookup(name)
    except LookupError:
        raise OptionError(
            f"{where} {name!r} is not a text encoding; use such as utf-8, latin-1 or cp1252."
        ) from None
    return name


def split_paths(value: Any, where: str) -> dict[str, str]:
    """Split files, {split: path}: each split name checked, as it becomes a file name."""
    files = split_pairs(text)(value, where)
    check_split_names(files, where)
    return files


def boolean(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    raise OptionError(f"{where} takes true or false, not {value!r}.")


def mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise OptionError(f"{where} takes a table of keys and values, not {value!r}.")
    return dict(value)


def optional(parse_value: Parser[T]) -> Parser[T | None]:
    """`parse_value` for an option whose default is None (unset)."""

    def parse(value: Any, where: str) -> T | None:
        return parse_value(value, where)

    return parse


def table_or_split_paths(value: Any, where: str) -> str | dict[str, str]:
    """The `inputs` key: one table's path, or a table of SPLIT = PATH."""
    return value if isinstance(value, str) else split_paths(mapping(value, where), where)


# The label policies, checked here for the command line and config files and by
# `LabelSpec` for Python callers: one definition, one message.
uncertain_policy = choice("negative", "positive", "error")
blank_policy = choice("negative", "error")


def shape_name(value: Any, where: str) -> str:
    """A registered label shape's name."""
    from splitguard.core.shapes.registry import shape_named

    return shape_named(text(value, where), where).name


# The input options: where a table keeps its labels, ids, groups and splits.
LABELS = Option("labels", "Column of delimited or list labels.", optional(text), None, "COL")
SEP = Option("sep", "Separator of delimited labels, such as '|'.", optional(text), None, "SEP")
NONE: Option[tuple[str, ...]] = Option(
    "none",
    "Label value that means no positive label, such as 'No Finding' (repeatable).",
    strings,
    (),
    "VALUE",
    multiple=True,
)
LABEL_COLS: Option[tuple[str, ...]] = Option(
    "label-cols",
    "Wide 0/1 label columns: A,B,C or 'glob:PATTERN'.",
    names,
    (),
    "COLS",
    multiple=True,
)
LONG = Option(
    "long", "Long shape: the label column, one row per (id, label).", optional(text), None, "COL"
)
SHAPE = Option(
    "shape",
    "Label shape to read the labels as: delimited, list, wide, long, or one a plugin "
    "adds (default: from --labels, --label-cols or --long and the column's type).",
    optional(shape_name),
    None,
    "NAME",
)
UNCERTAIN = Option(
    "uncertain",
    "How to read -1 in wide columns.",
    uncertain_policy,
    "error",
    "negative|positive|error",
)
BLANK = Option(
    "blank",
    "How to read an empty label cell.",
    blank_policy,
    "error",
    "negative|error",
)
ID = Option(
    "id", "Row id column (the image); default: the row number.", optional(text), None, "COL"
)
GROUP: Option[tuple[str, ...]] = Option(
    "group",
    "Group key column, such as the patient id (repeatable: rows sharing any key are one group).",
    names,
    (),
    "COL",
    multiple=True,
)
SPLIT_COL = Option("split-col", "Column that names each row's split.", optional(text), None, "COL")
ENCODING = Option(
    "encoding",
    "Text encoding of CSV inputs, such as latin-1 or cp1252.",
    encoding,
    "utf-8",
    "NAME",
)
CLASSES: Option[tuple[str, ...] | None] = Option(
    "classes", "The declared class names, in order.", optional(names), None, cli=False
)
INPUT_OPTIONS: tuple[Option[Any], ...] = (
    LABELS, SEP, NONE, LABEL_COLS, LONG, SHAPE, UNCERTAIN, BLANK, ID, GROUP, SPLIT_COL, ENCODING,
    CLASSES,
)  # fmt: skip

# The minimums and shares that `split` and `fix` build to and the coverage rules check.
MIN_POSITIVES: Option[dict[str, int | str]] = Option(
    "min-positives",
    "Minimum positive rows per class, per split, as a count or a percent of the class's "
    "positive rows: test=25,val=25 or test=50% (check: 10 where unset); repeatable.",
    split_pairs(count_or_percent),
    {},
    "SPLIT=N",
    multiple=True,
)
MIN_POSITIVE_GROUPS: Option[dict[str, int]] = Option(
    "min-positive-groups",
    "Minimum positive groups per class, per split: test=10 (check: 10 where unset); repeatable.",
    split_pairs(count),
    {},
    "SPLIT=N",
    multiple=True,
)
MIN_PREVALENCE: Option[dict[str, float]] = Option(
    "min-prevalence",
    "Minimum share of a split's rows each class makes up: test=0.05; repeatable.",
    split_pairs(share),
    {},
    "SPLIT=X",
    multiple=True,
)
MIN_CLASSES: Option[tuple[str, ...]] = Option(
    "min-classes",
    "The classes the minimums apply to: all, rare (rarer than --imbalance-threshold), "
    "or class names A,B.",
    names,
    ("all",),
    "all|rare|A,B",
)
TRAIN_FLOOR = Option(
    "train-floor",
    "Share of every class's positive rows that minimums leave in train (the split "
    "named train, else the first): 0.4 keeps 40%.",
    share,
    0.4,
    "X",
)
FRACTIONS = Option(
    "fractions",
    "Requested share of rows per split: train=0.8,val=0.1,test=0.1; repeatable.",
    optional(fractions),
    None,
    "SPLIT=X",
    multiple=True,
)
IMBALANCE_THRESHOLD = Option(
    "imbalance-threshold",
    "A class rarer than this share of rows is reported.",
    share,
    0.01,
    "X",
)
EVALUATION_OPTIONS: tuple[Option[Any], ...] = (
    MIN_POSITIVES,
    MIN_POSITIVE_GROUPS,
    MIN_PREVALENCE,
    MIN_CLASSES,
    TRAIN_FLOOR,
    FRACTIONS,
    IMBALANCE_THRESHOLD,
)

# What the commands read and write besides the table.
HIDE_IDS = Option(
    "hide-ids", "Mask patient and row ids in every output.", boolean, False, flag=True
)
INPUTS = Option(
    "inputs",
    "The input table, or a table of SPLIT = PATH (for check in CI and pre-commit).",
    optional(table_or_split_paths),
    None,
    cli=False,
    path=anywhere,
)
# Any installed format's name: the formats are plugins, checked where they are found.
FORMAT = Option("format", "Output format.", text, "text", "NAME", cli=False)
ENGINE = Option(
    "engine",
    "Where the rows are read and counted: memory (this process), or spark (Apache Spark, "
    "for tables larger than memory: a Parquet dataset or any path Spark reads; needs "
    "pip install 'splitguard-ml[spark]').",
    choice("memory", "spark"),
    "memory",
    "memory|spark",
)
ROOT = Option(
    "root",
    "Repository root: files in findings are named relative to it (default: here).",
    optional(text),
    None,
    "DIR",
    path=anywhere,
)
EXIT_ZERO = Option(
    "exit-zero", "Exit 0 even when findings fail the run.", boolean, False, flag=True
)
STATISTICS = Option("statistics", "Print a count of findings per rule.", boolean, False, flag=True)
WRITE_BASELINE = Option(
    "write-baseline",
    "Write the findings as a baseline file.",
    optional(text),
    None,
    "FILE",
    path=anywhere,
)
HTML = Option(
    "html", "Also write an HTML report to FILE.", optional(text), None, "FILE", path=anywhere
)
MARKDOWN = Option(
    "markdown",
    "Also write a Markdown report to FILE.",
    optional(text),
    None,
    "FILE",
    path=anywhere,
)
WEIGHTS_OUT = Option(
    "weights-out",
    "Write the class weights as JSON to FILE.",
    optional(text),
    None,
    "FILE",
    path=anywhere,
)
COMMAND_OPTIONS: tuple[Option[Any], ...] = (
    ENGINE,
    HIDE_IDS,
    INPUTS,
    FORMAT,
    ROOT,
    EXIT_ZERO,
    STATISTICS,
    WRITE_BASELINE,
    HTML,
    MARKDOWN,
    WEIGHTS_OUT,
)

SPLIT_OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "out",
        "Directory to write the splits and the report into.",
        optional(text),
        None,
        "DIR",
        path=anywhere,
    ),
    Option("force", "Replace an existing output directory.", boolean, False, flag=True),
    Option("folds", "Build K folds instead of fractions.", optional(count), None, "K"),
    Option(
        "seed", "Random seed: the same input, options and seed give the same bytes.", whole, 0, "N"
    ),
    Option(
        "keep",
        "An earlier split whose groups stay put: a directory written by split, or "
        "train=a.csv,val=b.csv,test=c.csv.",
        optional(path_or_split_paths),
        None,
        "DIR|SPLIT=PATH,...",
        path=anywhere,
    ),
    Option(
        "fewest-moves",
        "fix: move only leaked groups (and groups for minimums), the fewest rows, and let "
        "split sizes drift (default: every split stays within 1 point of its share).",
        boolean,
        False,
        flag=True,
    ),
)

OPTIONS: dict[str, Option[Any]] = {
    o.name: o for o in (*INPUT_OPTIONS, *EVALUATION_OPTIONS, *COMMAND_OPTIONS, *SPLIT_OPTIONS)
}
"""The options the core declares: what every command shares. The engine's selection
options (`splitguard.lint.config`) and each rule's own options join them in the
registry (`splitguard.rules.registry.registered_options`)."""


def label_spec(values: Mapping[str, Any]) -> LabelSpec:
    """The `LabelSpec` of resolved input option values (missing ones take the defaults)."""
    from splitguard.core.spec import LabelSpec

    def get(option: Option[T]) -> T:
        value = values.get(option.name)
        return option.default if value is None else value

    return LabelSpec(
        labels=get(LABELS),
        sep=get(SEP),
        none=tuple(get(NONE)),
        label_cols=tuple(get(LABEL_COLS)),
        long=get(LONG),
        uncertain=get(UNCERTAIN),
        blank=get(BLANK),
        id=get(ID),
        group=tuple(get(GROUP)),
        split_col=get(SPLIT_COL),
        encoding=get(ENCODING),
        classes=get(CLASSES),
        shape=get(SHAPE),
    )
