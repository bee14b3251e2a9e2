"""The NIH demo's every output, byte for byte: restructuring must not change what users get.

`splitguard demo` writes splits and reports; `check` and `stats` then read those splits
in every format. Each text output is compared with a stored copy in
tests/fixtures/golden/; Parquet files are compared by content (their bytes name the
pyarrow version that wrote them), and so are the manifest's hashes of them. A change
that is meant is recorded with `SPLITGUARD_UPDATE_GOLDEN=1 pytest tests/cli/test_golden_demo.py`
and shows in the diff of the fixtures.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import splitguard

GOLDEN = Path(__file__).parents[1] / "fixtures" / "golden"
UPDATE = os.environ.get("SPLITGUARD_UPDATE_GOLDEN") == "1"
PACKAGE = str(Path(splitguard.__file__).parent)
SPEC = [
    "--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
    "--id", "Image Index", "--group", "Patient ID",
]  # fmt: skip
SPLITS = ["train=splitguard-demo/train.parquet", "val=splitguard-demo/val.parquet",
          "test=splitguard-demo/test.parquet"]  # fmt: skip


def _run(folder: Path, *args: str) -> str:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run(
        [sys.executable, "-m", "splitguard", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"


def _parquet_digest(path: Path) -> str:
    table = pq.read_table(path)
    digest = hashlib.sha256(str(table.schema).encode())
    for column in table.columns:
        digest.update(json.dumps(column.to_pylist(), default=str).encode())
    return digest.hexdigest()


def _normal(text: str, folder: Path) -> str:
    return text.replace(str(folder), "<tmp>").replace(PACKAGE, "<package>")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("golden")
    found = {"demo.console": _run(folder, "demo")}
    out = folder / "splitguard-demo"
    for name in ("report.json", "report.md", "report.html"):
        found[name] = (out / name).read_text(encoding="utf-8")
    parquet = {path.name: _parquet_digest(path) for path in sorted(out.glob("*.parquet"))}
    found["parquet.content"] = json.dumps(parquet, indent=2) + "\n"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:
        if entry["path"].endswith(".parquet"):
            entry["sha256"] = "<parquet bytes>"
    found["manifest.json"] = json.dumps(manifest, indent=2) + "\n"
    for form in ("text", "json", "sarif", "github", "junit"):
        found[f"check.{form}"] = _run(folder, "check", *SPLITS, *SPEC, "--format", form)
    found["stats.text"] = _run(folder, "stats", "splitguard-demo/train.parquet", *SPEC)
    found["stats.json"] = _run(
        folder, "stats", "splitguard-demo/train.parquet", *SPEC, "--format", "json"
    )
    return {name: _normal(text, folder) for name, text in found.items()}


NAMES = [
    "demo.console", "report.json", "report.md", "report.html", "parquet.content",
    "manifest.json", "check.text", "check.json", "check.sarif", "check.github",
    "check.junit", "stats.text", "stats.json",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_output_is_unchanged(outputs: dict[str, str], name: str) -> None:
    stored = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        stored.write_text(outputs[name], encoding="utf-8")
    assert outputs[name] == stored.read_text(encoding="utf-8")
