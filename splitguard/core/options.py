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
from typing import Any

from splitguard.core.errors import OptionError
from splitguard.core.split_names import check_split_names

Parser = Callable[[Any, str], Any]


@dataclass(frozen=True, slots=True)
class Option:
    """One option: `name` is both the config key and the long flag (`--name`)."""

    name: str
    help: str
    parse: Parser
    default: Any = None
    metavar: str = "TEXT"
    multiple: bool = False
    flag: bool = False
    cli: bool = True


def text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise OptionError(f"{where} takes a string, not {value!r}.")
    return value


def choice(*allowed: str) -> Parser:
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


def per_split(parse_value: Parser) -> Parser:
    """'test=25,val=25' or {test = 25, val = 25}: a value per split name."""

    def parse(value: Any, where: str) -> dict[str, Any]:
        if isinstance(value, Mapping):
            pairs = list(value.items())
        elif isinstance(value, str):
            pairs = []
            for item in (v.strip() for v in value.split(",") if v.strip()):
                split, sep, number = item.partition("=")
                if not sep or not split.strip():
                    raise OptionError(
                        f"{where} takes SPLIT=VALUE pairs separated by commas "
                        f"(such as test=25,val=25), not {item!r}."
                    )
                pairs.append((split.strip(), number.strip()))
        else:
            raise OptionError(f"{where} takes SPLIT=VALUE pairs (such as test=25), not {value!r}.")
        out: dict[str, Any] = {}
        for split, number in pairs:
            if split in out:
                raise OptionError(f"{where} names split {split!r} twice; name it once.")
            out[str(split)] = parse_value(number, f"{where} {split}=")
        return out

    return parse


def fractions(value: Any, where: str) -> dict[str, float]:
    parsed: dict[str, float] = per_split(share)(value, where)
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
    files: dict[str, str] = per_split(text)(value, where)
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


INPUT_OPTIONS = (
    Option("labels", "Column of delimited or list labels.", text, metavar="COL"),
    Option("sep", "Separator of delimited labels, such as '|'.", text, metavar="SEP"),
    Option(
        "none",
        "Label value that means no positive label, such as 'No Finding' (repeatable).",
        strings,
        default=(),
        metavar="VALUE",
        multiple=True,
    ),
    Option(
        "label-cols",
        "Wide 0/1 label columns: A,B,C or 'glob:PATTERN'.",
        names,
        default=(),
        metavar="COLS",
        multiple=True,
    ),
    Option("long", "Long shape: the label column, one row per (id, label).", text, metavar="COL"),
    Option(
        "uncertain",
        "How to read -1 in wide columns.",
        choice("negative", "positive", "error"),
        default="error",
        metavar="negative|positive|error",
    ),
    Option(
        "blank",
        "How to read an empty label cell.",
        choice("negative", "error"),
        default="error",
        metavar="negative|error",
    ),
    Option("id", "Row id column (the image); default: the row number.", text, metavar="COL"),
    Option(
        "group",
        "Group key column, such as the patient id (repeatable: rows sharing any key are one "
        "group).",
        names,
        default=(),
        metavar="COL",
        multiple=True,
    ),
    Option("split-col", "Column that names each row's split.", text, metavar="COL"),
    Option(
        "encoding",
        "Text encoding of CSV inputs, such as latin-1 or cp1252.",
        encoding,
        default="utf-8",
        metavar="NAME",
    ),
    Option("classes", "The declared class names, in order.", names, cli=False),
)

CHECK_OPTIONS = (
    Option("select", "Rule codes or prefixes to run (default: all).", names, (), "CODES", True),
    Option("ignore", "Rule codes or prefixes to skip.", names, (), "CODES", True),
    Option("extend-select", "Rule codes or prefixes to add to --select.", names, (), "CODES", True),
    Option(
        "fail-on",
        "Lowest severity that fails the run (exit 1).",
        choice("error", "warning", "info"),
        "error",
        "error|warning|info",
    ),
    Option("exit-zero", "Exit 0 even when findings fail the run.", boolean, False, flag=True),
    Option("statistics", "Print a count of findings per rule.", boolean, False, flag=True),
    # Any installed format's name: the formats are plugins, checked where they are found.
    Option("format", "Output format.", text, "text", "NAME", cli=False),
    Option(
        "root",
        "Repository root: files in findings are named relative to it (default: here).",
        text,
        None,
        "DIR",
    ),
    Option("hide-ids", "Mask patient and row ids in every output.", boolean, False, flag=True),
    Option("baseline", "Findings accepted earlier (a JSON file of --write-baseline).", text),
    Option("write-baseline", "Write the findings as a baseline file.", text, metavar="FILE"),
    Option("html", "Also write an HTML report to FILE.", text, metavar="FILE"),
    Option("markdown", "Also write a Markdown report to FILE.", text, metavar="FILE"),
    Option(
        "hash-col",
        "Column of file hashes or paths (a file in two splits leaks).",
        names,
        (),
        "COL",
        True,
    ),
    Option(
        "min-positives",
        "Minimum positive rows per class, per split, as a count or a percent of the class's "
        "positive rows: test=25,val=25 or test=50% (check: 10 where unset).",
        per_split(count_or_percent),
        {},
        "SPLIT=N",
    ),
    Option(
        "min-positive-groups",
        "Minimum positive groups per class, per split: test=10 (check: 10 where unset).",
        per_split(count),
        {},
        "SPLIT=N",
    ),
    Option(
        "min-prevalence",
        "Minimum share of a split's rows each class makes up: test=0.05.",
        per_split(share),
        {},
        "SPLIT=X",
    ),
    Option(
        "min-classes",
        "The classes the minimums apply to: all, rare (rarer than --imbalance-threshold), "
        "or class names A,B.",
        names,
        ("all",),
        "all|rare|A,B",
    ),
    Option(
        "train-floor",
        "Share of every class's positive rows that minimums leave in train (the split "
        "named train, else the first): 0.4 keeps 40%.",
        share,
        0.4,
        "X",
    ),
    Option(
        "fractions",
        "Requested share of rows per split: train=0.8,val=0.1,test=0.1.",
        fractions,
        None,
        "SPLIT=X",
    ),
    Option(
        "drift-tolerance",
        "Allowed relative drift of a class's share in a split from the split's fraction.",
        share,
        0.25,
        "X",
    ),
    Option(
        "size-tolerance",
        "Allowed drift of a split's size from its fraction (absolute share of rows).",
        share,
        0.02,
        "X",
    ),
    Option(
        "imbalance-threshold",
        "A class rarer than this share of rows is reported.",
        share,
        0.01,
        "X",
    ),
    Option(
        "schema",
        "A pandera schema the input table must pass (SG120): a YAML file written by "
        "DataFrameSchema.to_yaml, or MODULE:ATTR naming a DataFrameSchema or DataFrameModel.",
        text,
        None,
        "FILE|MODULE:ATTR",
    ),
    Option("severity", "Severity per rule code: {SG301 = 'error'}.", mapping, {}, cli=False),
    Option(
        "per-class-ignores",
        "Rule codes to skip per class: {Hernia = ['SG4']}.",
        mapping,
        {},
        cli=False,
    ),
    Option(
        "per-split-ignores",
        "Rule codes to skip per split: {train = ['SG3']}.",
        mapping,
        {},
        cli=False,
    ),
    Option(
        "inputs",
        "The input table, or a table of SPLIT = PATH (for check in CI and pre-commit).",
        lambda v, w: v if isinstance(v, str) else split_paths(mapping(v, w), w),
        None,
        cli=False,
    ),
)

SPLIT_OPTIONS = (
    Option("out", "Directory to write the splits and the report into.", text, None, "DIR"),
    Option("force", "Replace an existing output directory.", boolean, False, flag=True),
    Option("folds", "Build K folds instead of fractions.", count, None, "K"),
    Option(
        "seed", "Random seed: the same input, options and seed give the same bytes.", whole, 0, "N"
    ),
    Option(
        "keep",
        "An earlier split whose groups stay put: a directory written by split, or "
        "train=a.csv,val=b.csv,test=c.csv.",
        path_or_split_paths,
        None,
        "DIR|SPLIT=PATH,...",
    ),
    Option("weights-out", "Write the class weights as JSON to FILE.", text, None, "FILE"),
    Option(
        "fewest-moves",
        "fix: move only leaked groups (and groups for minimums), the fewest rows, and let "
        "split sizes drift (default: every split stays within 1 point of its share).",
        boolean,
        False,
        flag=True,
    ),
)

OPTIONS: dict[str, Option] = {o.name: o for o in (*INPUT_OPTIONS, *CHECK_OPTIONS, *SPLIT_OPTIONS)}
