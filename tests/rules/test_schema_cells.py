"""SG110 and SG111 read the original column, whatever type the reader gave it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.lint.config import LintConfig
from splitguard.lint.engine import lint


def findings(path: Path, spec: LabelSpec, code: str) -> list[Any]:
    frame = load_frame(path, spec, strict=False)
    return list(lint(frame, LintConfig(select=(code,))).findings)


@pytest.mark.parametrize("as_text", [True, False])
def test_a_wide_column_as_numbers_or_as_text(as_text: bool, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cells = [1, 0, 0, 1, 0]
    mass = pa.array([str(v) for v in cells]) if as_text else pa.array(cells, pa.int64())
    # Mass holds one encoding as numbers or as text; Nodule has a stray `n`.
    nodule = pa.array(["1", "0", "n", "1", "0"])
    table = pa.table({"id": list("abcde"), "Mass": mass, "Nodule": nodule})
    path = tmp_path / "wide.parquet"
    pq.write_table(table, path)
    spec = LabelSpec(label_cols=("Mass", "Nodule"), id="id")
    found = findings(path, spec, "SG110")
    assert [(f.location.column, f.location.row_ids) for f in found] == [("Nodule", ("c",))]
    assert "as 1/0 on 4 rows, but as yes/no on 1 row" in found[0].message
    assert "wide.parquet, row 3)" in found[0].message


def test_blank_cells_have_no_encoding(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("id,Mass\na,yes\nb,\nc,no\nd, \n", encoding="utf-8")
    spec = LabelSpec(label_cols=("Mass",), id="id", blank="negative")
    assert findings(path, spec, "SG110") == []


def test_many_bare_cells_name_the_first_rows(tmp_path: Path) -> None:
    rows = ['["Mass"]'] * 6 + ["Mass", "Nodule", "Mass|Nodule", "Effusion"]
    path = tmp_path / "lists.csv"
    lines = [f'{i},"{cell.replace(chr(34), chr(34) * 2)}"' for i, cell in enumerate(rows)]
    path.write_text("id,labels\n" + "\n".join(lines) + "\n", encoding="utf-8")
    found = findings(path, LabelSpec(labels="labels", id="id"), "SG111")
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].location.n_rows == 4
    assert "4 rows hold bare values" in found[0].message
    assert "lists.csv, rows 7, 8, 9 and 1 more)" in found[0].message
