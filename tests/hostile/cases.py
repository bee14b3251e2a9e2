"""Hypothesis strategies for hostile runs: bad tables, bad names, bad options.

A `Case` is everything one run needs: the files to write into the work folder, the
command line, which of those files are inputs, and which paths the run may write.
Most draws stay close to a usable table, so that runs get past reading and reach the
splitter and the writers; each draw then bends a few things out of shape.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from typing import TypeVar

from hypothesis import strategies as st

T = TypeVar("T")

# Strings that have broken tools before: missing-value spellings, numbers that are not
# numbers, path pieces, control characters, markup, format strings, huge and odd text.
HOSTILE = (
    "",
    " ",
    "NaN",
    "nan",
    "None",
    "NA",
    "null",
    "N/A",
    "NaT",
    "inf",
    "-0",
    "00012",
    "1e309",
    "123456789012345678901234567890",
    "-9223372036854775809",
    "ñandú",
    "日本語",
    "😀",
    "a,b",
    'a"b',
    "a\nb",
    "a\r\nb",
    "\t",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "x\n::error file=y::z",
    "::warning::forged",
    "%0A",
    "<b id=sg>",
    "</script><b id=sg>",
    "$\\frac{1}{2}$",
    "$",
    "..",
    ".",
    "/",
    "../x",
    "../../escape",
    "/tmp/abs",
    "a/b",
    "C:\\x",
    "con",
    "%s%n{0}",
    "-h",
    "--force",
    "=",
    "a=b",
    "train",
    "TRAIN",
    "Train",
    "x" * 300,
    "\u202eevil",
    "\ufeffbom",
    "\x85next",
    "\u2028line",
)


def mostly(usual: st.SearchStrategy[T], odd: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """`usual` four times in five, else `odd`: runs get past the options to the data."""
    return st.integers(0, 4).flatmap(lambda roll: usual if roll else odd)


hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=6),
)
plain_names = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)
# A name is usually plain, sometimes hostile.
names = mostly(plain_names, hostile_text)
split_names = mostly(st.sampled_from(("train", "val", "test", "dev")), names)
class_names = mostly(st.sampled_from(("Edema", "Mass", "Hernia", "Nodule")), names)
MISSING = ("", "NaN", "nan", "None", "NA", "null", "N/A")


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of text cells (None: a cell the row lacks) and the roles of the columns."""

    header: list[str]
    rows: list[list[str | None]]
    id: str
    group: str
    labels: str
    split: str | None


@dataclass(frozen=True, slots=True)
class Encoded:
    """A table as a file: its bytes and how a faithful reader would read them back."""

    name: str
    data: bytes
    kind: str  # "csv" or "parquet"; CSV is UTF-8 unless it was bent to latin-1


@dataclass(frozen=True, slots=True)
class Case:
    command: str
    files: dict[str, bytes]
    inputs: list[Encoded]
    args: list[str]
    # Paths (relative to the work folder) a successful run may create or replace.
    out: str | None = None
    reports: list[str] = field(default_factory=list)
    fmt: str = "text"
    # Strings the run may print about (class names, split names) that must be escaped.
    names: list[str] = field(default_factory=list)
    split_column: str = "split"

    def describe(self) -> str:
        files = "\n".join(
            f"{e.name} ({e.kind}, {len(e.data)} bytes): {_clip(e.data)}" for e in self.inputs
        )
        return f"splitguard {' '.join(map(repr, self.args))}\n{files}"

    def __repr__(self) -> str:
        # Hypothesis prints a failing case; a megabyte cell would drown it.
        return f"Case({self.describe()})"


def _clip(data: bytes, size: int = 1500) -> str:
    return repr(data if len(data) <= size else data[:size] + b"...")


@st.composite
def tables(draw: st.DrawFn, *, with_split: bool = False) -> Table:
    """A table with id, group and label columns (and a split column if asked)."""
    roles = ["id", "group", "labels", *(["split"] if with_split else [])]
    extra = draw(st.lists(names, max_size=2))
    header = [draw(mostly(st.just(role), names)) for role in roles] + extra
    id_name, group_name, label_name = header[0], header[1], header[2]
    split_name = header[3] if with_split else None
    classes = draw(st.lists(class_names, min_size=1, max_size=4, unique=True))
    splits = draw(st.lists(split_names, min_size=1, max_size=4, unique=True))
    n = draw(st.integers(0, 40))
    id_style = draw(st.sampled_from(("count", "zeros", "huge", "hostile")))
    rows: list[list[str | None]] = []
    for i in range(n):
        if id_style == "count":
            row_id = f"img{i}.png"
        elif id_style == "zeros":
            row_id = f"{i:05d}"
        elif id_style == "huge":
            row_id = str(10**29 + i)
        else:
            row_id = draw(st.one_of(st.just(f"r{i}"), hostile_text))
        group = draw(
            st.one_of(
                st.sampled_from(("p1", "p2", "p3", "p4", "p5", "p6", "007")),
                st.sampled_from(MISSING),
                hostile_text,
            )
            if draw(st.integers(0, 5)) == 0
            else st.sampled_from(("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"))
        )
        positives = draw(st.lists(st.sampled_from(classes), max_size=3, unique=True))
        label = "|".join(positives) if positives else "No Finding"
        if draw(st.integers(0, 9)) == 0:
            label = draw(hostile_text)
        row: list[str | None] = [row_id, group, label]
        if with_split:
            row.append(draw(st.sampled_from(splits)))
        row += [draw(st.one_of(st.just(str(i)), hostile_text)) for _ in extra]
        rows.append(row)
    return Table(header, rows, id_name, group_name, label_name, split_name)


def csv_text(table: Table, *, line_end: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow(table.header)
    writer.writerows([[c for c in row if c is not None] for row in table.rows])
    return buffer.getvalue()


BENDS = (
    "crlf",
    "bom",
    "latin-1",
    "ragged",
    "no-final-newline",
    "gzip",
    "huge-cell",
    "duplicate-header",
    "nul",
)


@st.composite
def encode(draw: st.DrawFn, table: Table, name: str) -> Encoded:
    """The table as bytes: CSV (plain or bent out of shape) or Parquet."""
    kind = draw(st.sampled_from(("csv", "csv", "csv", "parquet")))
    if kind == "parquet":
        return Encoded(f"{name}.parquet", parquet_bytes(draw, table), "parquet")
    bend = draw(st.one_of(st.just("none"), st.sampled_from(BENDS)))
    if bend == "ragged" and table.rows:
        row = draw(st.integers(0, len(table.rows) - 1))
        cut = list(table.rows)
        cut[row] = cut[row][:-1] if draw(st.booleans()) else [*cut[row], "extra"]
        table = Table(table.header, cut, table.id, table.group, table.labels, table.split)
    if bend == "duplicate-header":
        table = Table(
            [*table.header, table.header[draw(st.integers(0, len(table.header) - 1))]],
            [[*row, "dup"] for row in table.rows],
            table.id,
            table.group,
            table.labels,
            table.split,
        )
    if bend == "huge-cell" and table.rows:
        # Beyond the CSV reader's default 1 MiB block.
        cells = [list(row) for row in table.rows]
        cells[0][-1] = "h" * (1 << 20) + "uge"
        table = Table(table.header, cells, table.id, table.group, table.labels, table.split)
    text = csv_text(table, line_end="\r\n" if bend == "crlf" else "\n")
    if bend == "no-final-newline":
        text = text.rstrip("\r\n")
    if bend == "nul":
        text = text.replace(",", ",\x00", 1)
    if bend == "latin-1":
        data = text.encode("latin-1", "replace")
        return Encoded(f"{name}.csv", data, "csv")
    data = text.encode("utf-8")
    if bend == "bom":
        data = b"\xef\xbb\xbf" + data
    if bend == "gzip":
        return Encoded(f"{name}.csv.gz", gzip.compress(data, mtime=0), "csv")
    return Encoded(f"{name}.csv", data, "csv")


def parquet_bytes(draw: st.DrawFn, table: Table) -> bytes:
    """Parquet with typed columns where the text allows: ints, floats with NaN, lists."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = []
    for c in range(len(table.header)):
        cells = [row[c] if c < len(row) else None for row in table.rows]
        style = draw(st.sampled_from(("string", "string", "typed", "null-missing", "list")))
        arrays.append(_column(cells, style, c == 2))
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, names=table.header), buffer)
    return buffer.getvalue()


def _column(cells: list[str | None], style: str, is_labels: bool) -> object:
    import pyarrow as pa

    if style == "list" and is_labels:
        return pa.array(
            [None if c is None else [p for p in c.split("|") if p] for c in cells],
            pa.list_(pa.string()),
        )
    if style == "typed":
        for kind, convert in ((pa.int64(), int), (pa.float64(), float)):
            try:
                return pa.array([None if c is None else convert(c) for c in cells], kind)
            except (ValueError, OverflowError, pa.ArrowInvalid):
                continue
    if style == "null-missing":
        return pa.array([None if c in (None, *MISSING) else c for c in cells], pa.string())
    return pa.array(cells, pa.string())


# Places an output may be pointed at, relative to the work folder (which is the current
# folder of the run): new, existing, the input itself, this folder, its parent, home.
def out_targets(input_name: str) -> st.SearchStrategy[str]:
    return mostly(
        st.just("out"),
        st.sampled_from(
            (
                "out",
                "out",
                "out",
                "out/",
                "existing-empty",
                "existing-full",
                ".",
                "..",
                "../home",
                input_name,
                "thesis.tex",
                "no/such/folder/out",
                "o" * 300,
                "o\nut",
                "",
                "-",
                "~",
            )
        ),
    )


def report_targets(input_name: str, usual: str) -> st.SearchStrategy[str]:
    return mostly(
        st.just(usual),
        st.sampled_from(
            (
                "report.md",
                input_name,
                "thesis.tex",
                ".",
                "..",
                "existing-empty",
                "no/such/folder/r.html",
                "r" * 300,
            )
        ),
    )


EXISTING = {"existing-full/keep.txt": b"not splitguard's\n"}


@st.composite
def label_args(draw: st.DrawFn, table: Table) -> list[str]:
    args = ["--labels", draw(mostly(st.just(table.labels), names))]
    args += ["--sep", draw(mostly(st.just("|"), st.sampled_from((",", "", "||"))))]
    if draw(mostly(st.just(True), st.just(False))):
        args += ["--none", "No Finding"]
    if draw(st.integers(0, 5)):
        args += ["--id", draw(mostly(st.just(table.id), names))]
    if draw(st.integers(0, 5)):
        args += ["--group", draw(mostly(st.just(table.group), names))]
    return args


@st.composite
def fractions(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(split_names, min_size=1, max_size=4))
    style = draw(mostly(st.just("even"), st.sampled_from(("random", "garbage"))))
    if style == "even":
        shares = _even(len(chosen))
    elif style == "random":
        shares = [
            draw(st.sampled_from(("0", "1", "0.5", "-0.5", "1.5", "nan", "1e-400"))) for _ in chosen
        ]
    else:
        return draw(st.sampled_from(("", ",", "train", "train=", "=0.5", "train=x")))
    return ",".join(f"{n}={s}" for n, s in zip(chosen, shares, strict=True))


def _even(n: int) -> list[str]:
    """Shares that add up to exactly 1 as the option parser sums them."""
    shares = [f"{1 / n:.6f}" for _ in range(n - 1)]
    shares.append(f"{1 - sum(float(s) for s in shares):.6f}")
    return shares


MINIMUMS = ("--min-positives", "--min-prevalence", "--min-positive-groups")


@st.composite
def minimums(draw: st.DrawFn, options: tuple[str, ...] = MINIMUMS) -> list[str]:
    args: list[str] = []
    for option in options:
        if draw(st.integers(0, 6)) == 0:
            split = draw(mostly(st.just("test"), split_names))
            usual = "0.05" if option == "--min-prevalence" else "1"
            value = draw(
                mostly(
                    st.just(usual),
                    st.sampled_from(
                        ("0", "2", "50%", "101%", "0.05", "-1", "x", "99999999999999999999")
                    ),
                )
            )
            args += [option, f"{split}={value}"]
    return args


@st.composite
def check_cases(draw: st.DrawFn) -> Case:
    table = draw(tables(with_split=draw(st.booleans())))
    encoded = draw(encode(table, "data"))
    args = ["check", encoded.name, *draw(label_args(table))]
    if table.split is not None:
        args += ["--split-col", draw(mostly(st.just(table.split), names))]
    fmt = draw(st.sampled_from(("text", "json", "sarif", "github", "junit")))
    args += ["--format", fmt]
    reports = draw_reports(
        draw,
        encoded.name,
        args,
        (
            ("--html", "r.html"),
            ("--markdown", "r.md"),
            ("--write-baseline", "baseline.json"),
        ),
    )
    args += draw(minimums())
    return Case(
        "check",
        {encoded.name: encoded.data, **EXISTING},
        [encoded],
        args,
        reports=reports,
        fmt=fmt,
        names=_printed(table),
    )


def draw_reports(
    draw: st.DrawFn, data_name: str, args: list[str], options: tuple[tuple[str, str], ...]
) -> list[str]:
    """Each report option, one time in four, at a drawn target; appended to `args`."""
    reports = []
    for option, usual in options:
        if draw(st.integers(0, 3)) == 0:
            target = draw(report_targets(data_name, usual))
            args += [option, target]
            reports.append(target)
    return reports


@st.composite
def stats_cases(draw: st.DrawFn) -> Case:
    table = draw(tables())
    encoded = draw(encode(table, "data"))
    args = ["stats", encoded.name, *draw(label_args(table))]
    fmt = draw(st.sampled_from(("text", "json")))
    args += ["--format", fmt]
    reports = draw_reports(
        draw,
        encoded.name,
        args,
        (
            ("--weights-out", "weights.json"),
            ("--html", "r.html"),
            ("--markdown", "r.md"),
        ),
    )
    return Case(
        "stats",
        {encoded.name: encoded.data, **EXISTING},
        [encoded],
        args,
        reports=reports,
        fmt=fmt,
        names=_printed(table),
    )


@st.composite
def split_cases(draw: st.DrawFn) -> Case:
    table = draw(tables())
    encoded = draw(encode(table, "data"))
    out = draw(out_targets(encoded.name))
    args = ["split", encoded.name, *draw(label_args(table)), "--out", out]
    column = "split"
    if draw(st.integers(0, 3)) == 0:
        args += [
            "--folds",
            draw(
                mostly(
                    st.sampled_from(("2", "3", "5")),
                    st.sampled_from(("0", "1", "100000", "-1", "x")),
                )
            ),
        ]
        column = "fold"
    elif draw(st.booleans()):
        args += ["--fractions", draw(fractions())]
    args += draw(minimums())
    if draw(st.booleans()):
        args += ["--seed", draw(mostly(st.just("1"), st.sampled_from(("-1", "x", "9" * 30))))]
    if draw(st.booleans()):
        args.append("--force")
    return Case(
        "split",
        {encoded.name: encoded.data, **EXISTING},
        [encoded],
        args,
        out=out,
        names=_printed(table),
        split_column=column,
    )


@st.composite
def fix_cases(draw: st.DrawFn) -> Case:
    table = draw(tables(with_split=True))
    if draw(st.booleans()):
        encoded = draw(encode(table, "data"))
        inputs = [encoded]
        args = ["fix", encoded.name, "--split-col", draw(mostly(st.just(table.split), names))]
    else:
        # One file per split value, passed as SPLIT=PATH.
        assert table.split is not None
        column = table.header.index(table.split)
        values = sorted({row[column] or "" for row in table.rows})[:4] or ["train"]
        inputs, args = [], ["fix"]
        for i, value in enumerate(values):
            part = Table(
                table.header,
                [r for r in table.rows if (r[column] or "") == value],
                table.id,
                table.group,
                table.labels,
                table.split,
            )
            encoded = draw(encode(part, f"part{i}"))
            inputs.append(encoded)
            args.append(f"{value}={encoded.name}")
    out = draw(out_targets(inputs[0].name))
    # fix has no --min-prevalence.
    args += [*draw(label_args(table)), "--out", out, *draw(minimums(MINIMUMS[::2]))]
    if draw(st.booleans()):
        args.append("--force")
    files = {e.name: e.data for e in inputs}
    return Case("fix", {**files, **EXISTING}, inputs, args, out=out, names=_printed(table))


def _printed(table: Table) -> list[str]:
    """Names from the table that a run may print: headers, classes, splits."""
    found = set(table.header)
    for row in table.rows:
        label = row[2] or ""
        found.update(label.split("|"))
        if table.split is not None and len(row) > 3:
            found.add(row[3] or "")
    return sorted(found)
