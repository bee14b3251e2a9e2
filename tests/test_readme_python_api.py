"""The README's "Python API" section runs as written, on the bundled NIH table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


def section_code(title: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end], flags=re.DOTALL)


def test_the_python_api_section_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = section_code("Python API")
    assert blocks
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, str(README), "exec"), {"__name__": "readme"})
    written = tmp_path / "nih-splits"
    assert {"train.parquet", "val.parquet", "test.parquet", "report.json"} <= {
        p.name for p in written.iterdir()
    }
