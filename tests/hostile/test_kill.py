"""A `split` of a million rows killed at random moments leaves nothing half-written.

After every kill (SIGKILL, SIGTERM or SIGINT): the input is unchanged, `--out` is absent
or complete (an --out that was complete before a SIGTERM or SIGINT is still there), and a
SIGTERM or SIGINT left no staging folder. A SIGKILL may leave one behind, which the next
run that completes must remove (its owner is gone).

About 20 runs of up to a minute each: marked slow, run with `pytest -m slow`.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile.sandbox import sha256_file

KILLS = 20
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)
NIH_ARGS = ("--labels", "Finding Labels", "--sep", "|", "--none", "No Finding")
KEYS = ("--id", "Image Index", "--group", "Patient ID")
ROWS = 1_000_000


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory, nih_path: Path) -> Path:
    """NIH's rows repeated to a million, each copy with new image and patient ids."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    nih = pacsv.read_csv(
        nih_path,
        convert_options=pacsv.ConvertOptions(
            column_types={"Image Index": pa.string(), "Patient ID": pa.string()}
        ),
    )
    copies = []
    for copy in range(-(-ROWS // nih.num_rows)):
        part = nih.slice(0, min(nih.num_rows, ROWS - copy * nih.num_rows))
        for column in ("Image Index", "Patient ID"):
            renamed = pc.binary_join_element_wise(f"c{copy}-", part[column], "")
            part = part.set_column(part.column_names.index(column), column, renamed)
        copies.append(part)
    path = tmp_path_factory.mktemp("kill") / "million.parquet"
    pq.write_table(pa.concat_tables(copies), path)
    return path


def start(work: Path, table: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MPLCONFIGDIR": str(work.parent / "mplconfig")}
    env.pop("SPLITGUARD_DEBUG", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "splitguard",
            "split",
            table.name,
            *NIH_ARGS,
            *KEYS,
            "--out",
            "out",
            "--force",
        ],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def leftovers(work: Path) -> set[str]:
    """Hidden names splitguard made beside --out (staging and retired folders)."""
    return {p.name for p in work.iterdir() if p.name.startswith(".out.")}


def problems_with_out(out: Path, table: Path, table_sha: str) -> list[str]:
    """What is wrong with a written --out of the million-row table (empty: complete)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not (out / "manifest.json").is_file():
        return [f"{out} exists without manifest.json: {sorted(p.name for p in out.iterdir())}"]
    found = []
    manifest = json.loads((out / "manifest.json").read_bytes())
    for entry in manifest["outputs"]:
        if sha256_file(out / entry["path"]) != entry["sha256"]:
            found.append(f"{entry['path']} does not have the sha256 of manifest.json")
    if [entry["sha256"] for entry in manifest["inputs"]] != [table_sha]:
        found.append("manifest.json does not give the input's sha256")
    parts = sorted(out.glob("*.parquet"))
    ids = pa.chunked_array(
        [c for p in parts for c in pq.read_table(p, columns=["Image Index"])[0].chunks],
        pa.string(),
    )
    expected = pq.read_table(table, columns=["Image Index"])[0]
    if len(ids) != ROWS or pc.count_distinct(ids).as_py() != ROWS:
        found.append(f"the split files hold {len(ids)} rows, not each of the {ROWS} once")
    elif not pc.all(pc.is_in(expected, value_set=ids)).as_py():
        found.append("the split files' rows are not the input's rows")
    return found


@pytest.mark.slow
def test_killed_split_leaves_nothing_half_written(million: Path) -> None:
    work = million.parent / "work"
    work.mkdir()
    table = work / million.name
    os.link(million, table)
    bystander = work / "thesis.tex"
    bystander.write_text("\\documentclass{article}\n")
    table_sha, bystander_sha = sha256_file(table), sha256_file(bystander)
    out = work / "out"

    began = time.monotonic()
    first = start(work, table)
    staged = None
    while first.poll() is None:
        if staged is None and leftovers(work):
            staged = time.monotonic() - began
        time.sleep(0.05)
    whole = time.monotonic() - began
    assert first.returncode in (0, 1), first.stderr.read().decode() if first.stderr else ""
    assert staged is not None, "the run never made a staging folder to write into"
    assert problems_with_out(out, table, table_sha) == []

    moments = random.Random(20)
    broken: list[str] = []
    for attempt in range(KILLS):
        sent = SIGNALS[attempt % len(SIGNALS)]
        # Every other kill lands while the output is being written, the rest anywhere.
        delay = moments.uniform(staged if attempt % 2 else 0.05 * whole, 1.05 * whole)
        complete_before = out.exists()
        hidden_before = leftovers(work)
        run = start(work, table)
        try:
            run.wait(timeout=delay)
            killed = False
        except subprocess.TimeoutExpired:
            run.send_signal(sent)
            killed = True
        _, err = run.communicate(timeout=300)
        what = f"run {attempt + 1}: {sent.name if killed else 'not killed'} at {delay:.1f}s"
        message = err.decode("utf-8", "replace")
        if sha256_file(table) != table_sha or sha256_file(bystander) != bystander_sha:
            broken.append(f"{what}: the input or a bystander file changed")
        if out.exists():
            broken += [f"{what}: {p}" for p in problems_with_out(out, table, table_sha)]
        elif complete_before and sent != signal.SIGKILL:
            broken.append(f"{what}: the complete --out from before is gone")
        new_hidden = leftovers(work) - hidden_before
        if not killed:
            if run.returncode not in (0, 1):
                broken.append(f"{what}: exit {run.returncode}: {message[-300:]}")
            if leftovers(work):
                broken.append(f"{what}: a complete run left {sorted(leftovers(work))}")
        elif sent != signal.SIGKILL and new_hidden:
            broken.append(f"{what}: left {sorted(new_hidden)} behind")
        if "Traceback (most recent call last)" in message or "internal error" in message:
            broken.append(f"{what}: printed {message[-300:]!r}")

    final = start(work, table)
    _, err = final.communicate(timeout=900)
    if final.returncode not in (0, 1):
        broken.append(f"the run after the kills: exit {final.returncode}: {err.decode()[-300:]}")
    broken += [f"after the kills: {p}" for p in problems_with_out(out, table, table_sha)]
    if leftovers(work):
        broken.append(f"the run after the kills left {sorted(leftovers(work))}")
    assert not broken, "\n".join(broken)
