"""docs/architecture.md, "Add a label shape", done as it says: a fifth shape in this file.

`key-value` cells name each class with its value, `Mass=1;Nodule=0`. The shape is
registered as an installed package registers it (an entry point in the
`splitguard.shapes` group), then read by load_frame, linted, and used from the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pytest
from plugin_site import install_dist, site_on_path

from splitguard.core.errors import LabelValueError
from splitguard.core.frame import LabelFrame
from splitguard.core.labels import Locator, Parsed
from splitguard.core.load import load_frame
from splitguard.core.shapes.base import CellCheck, LabelShape
from splitguard.core.shapes.registry import registered_shapes
from splitguard.core.spec import LabelSpec
from splitguard.lint.config import LintConfig
from splitguard.lint.engine import lint


def _pairs(cell: str | None, sep: str) -> list[tuple[str, str]]:
    items = [item.strip() for item in (cell or "").split(sep) if item.strip()]
    return [(name.strip(), value.strip()) for name, _, value in (i.partition("=") for i in items)]


def _valid(cell: str | None, sep: str) -> bool:
    return all(value in ("0", "1") for _, value in _pairs(cell, sep))


class KeyValueShape(LabelShape):
    """Key-value labels: `Mass=1;Nodule=0` in one cell (--labels COL --shape key-value)."""

    name: ClassVar[str] = "key-value"
    option: ClassVar[str] = "labels"

    def parse(self, table: pa.Table, spec: LabelSpec, *, strict: bool, where: Locator) -> Parsed:
        assert spec.labels is not None
        rows = [_pairs(cell, spec.sep or ";") for cell in table.column(spec.labels).to_pylist()]
        classes = sorted({name for pairs in rows for name, _ in pairs})
        matrix = np.zeros((len(rows), len(classes)), dtype=bool)
        for row, pairs in enumerate(rows):
            for name, value in pairs:
                if strict and value not in ("0", "1"):
                    raise LabelValueError(f"{where(row)}: {name}={value} is not 0 or 1.")
                matrix[row, classes.index(name)] = value == "1"
        return Parsed(matrix, tuple(classes))

    def cell_checks(self, frame: LabelFrame) -> list[CellCheck]:
        sep = frame.spec.sep or ";"

        def verdicts(column: pa.ChunkedArray) -> pa.ChunkedArray:
            cells = column.to_pylist()
            return pa.chunked_array(
                [[None if c is None else "valid" if _valid(c, sep) else "not 0/1" for c in cells]],
                type=pa.string(),
            )

        assert frame.spec.labels is not None
        nullable = frame.spec.blank != "error"
        return [CellCheck(frame.spec.labels, nullable, frozenset({"valid"}), verdicts)]


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Install the shape: the .dist-info a `pip install` of its package would write."""
    with site_on_path(tmp_path, monkeypatch, registered_shapes) as site:
        shape = f"{__name__}:KeyValueShape"
        install_dist(site, "splitguard-key-value", "splitguard.shapes", {"key-value": shape})
        yield


TABLE = "id,patient,tags\na,p1,Mass=1;Nodule=0\nb,p2,Mass=0;Nodule=1\nc,p3,Mass=2;Nodule=1\n"


def test_load_frame_reads_the_shape(installed: None, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(TABLE.replace("Mass=2", "Mass=1"))
    frame = load_frame(path, LabelSpec(labels="tags", shape="key-value", id="id"))
    assert frame.classes == ("Mass", "Nodule")
    # The shape returns a dense matrix; the loader keeps the labels as CSR.
    assert frame.labels.format == "csr"
    assert frame.labels.toarray().tolist() == [[True, False], [False, True], [True, True]]


def test_lint_reports_the_shapes_schema_checks(installed: None, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(TABLE)
    spec = LabelSpec(labels="tags", shape="key-value", id="id", group=("patient",))
    with pytest.raises(LabelValueError, match="row 3: Mass=2 is not 0 or 1"):
        load_frame(path, spec)
    frame = load_frame(path, spec, strict=False)
    (finding,) = lint(frame, LintConfig(select=("SG105",))).findings
    assert finding.code == "SG105" and "column 'tags'" in finding.message
    assert "'Mass=2;Nodule=1'" in finding.message and finding.location.row_ids == ("c",)


def test_the_command_line_reads_the_shape(
    installed: None, tmp_path: Path, run: Callable[..., Any]
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(TABLE)
    options = ("--labels", "tags", "--shape", "key-value", "--id", "id", "--group", "patient")
    checked = run("check", path, *options, "--select", "SG105")
    assert checked.code == 1 and "SG105" in checked.out and "'Mass=2;Nodule=1'" in checked.out
    path.write_text(TABLE.replace("Mass=2", "Mass=1"))
    stats = run("stats", path, *options, "--format", "json")
    assert stats.code == 0 and '"Nodule"' in stats.out
