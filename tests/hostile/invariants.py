"""What must hold after any run, whatever it was given.

- the exit status is 0, 1 or 2, and no traceback or "internal error" reaches the user;
- the inputs are byte for byte what they were;
- exit 2 changes nothing at all; exit 0 or 1 changes nothing but the outputs it was
  told to write (a staging folder or temporary file left beside them is a change);
- a written --out is complete: every file of its manifest has the sha256 the manifest
  says, every split file is readable Parquet, and every input row is in exactly one
  split file, every cell as it was read;
- what is printed escapes control characters and cannot forge a line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from hostile.cases import EXISTING, Case, Encoded
from hostile.sandbox import BYSTANDERS, Entry, Outcome, Sandbox, sha256_file

# A faithful reader takes cells of any size the format allows.
csv.field_size_limit(sys.maxsize)

# C0 controls but tab and newline, DEL, and C1 controls (0x9b is a terminal's CSI).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HTML_MARKER = "<b id=sg>"


def violations(
    case: Case,
    sandbox: Sandbox,
    before: dict[str, Entry],
    after: dict[str, Entry],
    outcome: Outcome,
) -> list[str]:
    """Every invariant the run broke, each as one sentence (empty: all held)."""
    found: list[str] = []
    printed = outcome.out + outcome.err
    if outcome.code not in (0, 1, 2):
        found.append(f"exit status {outcome.code}")
    if outcome.escaped is not None:
        found.append(f"an exception escaped the CLI: {outcome.escaped}")
    if "Traceback (most recent call last)" in printed:
        found.append("a traceback was printed")
    if "internal error" in printed:
        found.append(f"internal error: {_first_line_with(printed, 'internal error')}")
    for encoded in case.inputs:
        key = f"work/{encoded.name}"
        if before.get(key) != after.get(key):
            found.append(f"the input {encoded.name} was changed or removed")
    found += _bystanders(case, before, after)
    changed = _changes(before, after)
    if outcome.code == 2 and changed:
        found.append(f"exit 2, yet the tree changed: {_show(changed)}")
    elif outcome.code in (0, 1):
        allowed = _allowed(case, sandbox)
        stray = [p for p in changed if not any(_under(p, a) for a in allowed)]
        if stray:
            found.append(f"changed outside the outputs: {_show(stray)}")
        found += _outputs(case, sandbox, outcome)
    found += _printing(case, outcome)
    return found


def _first_line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)[:300]


def _show(paths: list[str]) -> str:
    return ", ".join(repr(p) for p in paths[:6]) + (
        f" and {len(paths) - 6} more" * (len(paths) > 6)
    )


def _changes(before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p, 0) != after.get(p, 0))


def _bystanders(case: Case, before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    """Files nobody named as an output are never touched, --force or not."""
    named = {os.path.normpath(f"work/{r}") for r in case.reports}
    found = []
    for name in [*BYSTANDERS, *(f"work/{n}" for n in EXISTING)]:
        if name not in named and before.get(name) != after.get(name):
            found.append(f"the bystander file {name} was changed or removed")
    return found


def _target(sandbox: Sandbox, target: str) -> str:
    """`target` (relative to the work folder) relative to the sandbox root."""
    return os.path.relpath(os.path.normpath(sandbox.work / target), sandbox.root)


def _allowed(case: Case, sandbox: Sandbox) -> list[str]:
    targets = [case.out] if case.out is not None else []
    return [_target(sandbox, t) for t in [*targets, *case.reports]]


def _under(path: str, folder: str) -> bool:
    return folder == "." or path == folder or path.startswith(folder.rstrip("/") + "/")


def _outputs(case: Case, sandbox: Sandbox, outcome: Outcome) -> list[str]:
    found: list[str] = []
    for report in case.reports:
        path = sandbox.work / report
        if not path.is_file():
            found.append(f"exit {outcome.code} but {report!r} was not written")
        elif path.suffix == ".json":
            try:
                json.loads(path.read_bytes())
            except ValueError as exc:
                found.append(f"{report!r} is not valid JSON ({exc})")
        elif path.suffix == ".html" and HTML_MARKER in path.read_text("utf-8", "replace"):
            found.append(f"{report!r} holds a table's markup unescaped")
    if case.out is not None:
        found += complete_out(case, sandbox.work / case.out, sandbox.work)
    return found


def complete_out(case: Case, out: Path, work: Path) -> list[str]:
    """Everything wrong with a written --out folder (empty: complete and valid)."""
    import pyarrow.parquet as pq

    if not (out / "manifest.json").is_file():
        return [f"--out {case.out!r} has no manifest.json after exit 0/1"]
    found = []
    manifest = json.loads((out / "manifest.json").read_bytes())
    listed = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    for name, sha in listed.items():
        if not (out / name).is_file() or sha256_file(out / name) != sha:
            found.append(f"manifest.json lists {name!r} with a sha256 its file does not have")
    for entry, encoded in zip(manifest["inputs"], case.inputs, strict=False):
        if entry["sha256"] != sha256_file(work / encoded.name):
            found.append(f"manifest.json gives {encoded.name!r} a wrong sha256")
    split_files = sorted(p.name for p in out.iterdir() if p.suffix == ".parquet")
    if split_files != sorted(n for n in listed if n.endswith(".parquet")):
        found.append(f"split files {split_files} differ from the manifest's {sorted(listed)}")
    rows: Counter[tuple[Any, ...]] = Counter()
    header: list[str] | None = None
    kind = _kind(case)
    for name in split_files:
        table = pq.ParquetFile(out / name).read()
        names = table.column_names
        if case.split_column not in names:
            found.append(f"{name} has no {case.split_column!r} column")
            continue
        split = set(table.column(case.split_column).to_pylist())
        if split - {name.removesuffix(".parquet")}:
            found.append(f"{name} holds rows of split {sorted(map(str, split))}")
        kept = [i for i, n in enumerate(names) if n != case.split_column]
        header = [names[i] for i in kept]
        for row in zip(*(table.column(i).to_pylist() for i in kept), strict=True):
            rows[_canon_row(row, kind)] += 1
    expected = reference(case)
    if expected is None:
        found.append("the run wrote splits of an input no faithful reader accepts")
        return found
    expected_header, expected_rows = expected
    drop = [i for i, n in enumerate(expected_header) if n == case.split_column]
    expected_header = [n for i, n in enumerate(expected_header) if i not in drop]
    want: Counter[tuple[Any, ...]] = Counter(
        _canon_row(tuple(v for i, v in enumerate(row) if i not in drop), kind)
        for row in expected_rows
    )
    if header is not None and header != expected_header:
        found.append(f"column names {header!r} are not the input's {expected_header!r}")
    if rows != want:
        lost, extra = want - rows, rows - want
        found.append(
            f"the split files' rows are not the input's rows: {sum(lost.values())} lost or "
            f"altered (such as {_sample(lost)}), {sum(extra.values())} new or altered "
            f"(such as {_sample(extra)})"
        )
    return found


def _sample(rows: Counter[tuple[Any, ...]]) -> str:
    return repr(next(iter(rows)))[:200] if rows else "none"


def _kind(case: Case) -> str:
    """csv or parquet when every input is one; mixed when split files are of both."""
    kinds = {encoded.kind for encoded in case.inputs}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _canon_row(row: tuple[Any, ...], kind: str) -> tuple[Any, ...]:
    return tuple(_canon(v, kind) for v in row)


def _canon(value: Any, kind: str) -> Any:
    """A cell compared as it was read: CSV cells as their text (an empty cell may be
    null), Parquet cells as typed values (NaN equal to NaN). With inputs of both kinds
    a row's origin is unknown in the output, so an empty text and a null compare equal."""
    if kind == "csv":
        if value is None:
            return ""
        return value if isinstance(value, str) else ("not text", repr(value))
    if kind == "mixed" and (value is None or isinstance(value, str)):
        return value or ""
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return (type(value).__name__, repr(value))


def reference(case: Case) -> tuple[list[str], list[tuple[Any, ...]]] | None:
    """The header and rows of the inputs as a faithful reader reads them, or None when
    no such reader accepts them (ragged rows, bytes not in the encoding, headers of
    several files that differ)."""
    header: list[str] | None = None
    rows: list[tuple[Any, ...]] = []
    for encoded in case.inputs:
        read = _read(encoded)
        if read is None or (header is not None and read[0] != header):
            return None
        header = read[0]
        rows += read[1]
    return (header or []), rows


def _read(encoded: Encoded) -> tuple[list[str], list[tuple[Any, ...]]] | None:
    if encoded.kind == "parquet":
        import pyarrow.parquet as pq

        table = pq.ParquetFile(io.BytesIO(encoded.data)).read()
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        return table.column_names, list(zip(*columns, strict=True))
    data = encoded.data
    if data[:2] == b"\x1f\x8b":
        import gzip

        data = gzip.decompress(data)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    if not records or any(len(r) != len(records[0]) for r in records):
        return None
    return records[0], [tuple(r) for r in records[1:]]


def _printing(case: Case, outcome: Outcome) -> list[str]:
    found = []
    shown = {"stderr": outcome.err}
    if case.fmt in ("text", "github"):
        shown["stdout"] = outcome.out
    for stream, text in shown.items():
        raw = RAW_CONTROL.search(text)
        if raw:
            at = text[max(0, raw.start() - 40) : raw.end() + 40]
            found.append(f"{stream} holds a raw control character {raw.group()!r}: {at!r}")
        for name in case.names:
            if ("\n" in name or "\r" in name) and name.strip() and name in text:
                found.append(f"{stream} prints the name {name!r} raw (it can forge a line)")
    if outcome.code in (0, 1) and case.command == "check":
        found += _format_valid(case.fmt, outcome.out)
    if outcome.code in (0, 1) and case.command == "stats" and case.fmt == "json":
        found += _format_valid("json", outcome.out)
    return found


def _format_valid(fmt: str, out: str) -> list[str]:
    try:
        if fmt in ("json", "sarif"):
            json.loads(out)
        elif fmt == "junit":
            ET.fromstring(out.encode())
    except (ValueError, ET.ParseError) as exc:
        return [f"--format {fmt} printed what does not parse ({exc})"]
    if fmt == "github":
        forged = [line for line in out.splitlines() if line and not line.startswith("::")]
        if forged:
            return [f"--format github printed a line that is not an annotation: {forged[0]!r}"]
    return []
