"""splitguard.core.shapes.base: what every shape checks of the options it is given."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from splitguard.core.errors import LabelValueError, OptionError
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"label_cols": ("A",), "shape": "delimited"}, "reads its labels from --labels, not"),
        ({"labels": "a", "shape": "wide"}, "reads its labels from --label-cols, not --labels"),
        ({"labels": "a", "shape": "long"}, "--shape long reads its labels from --long"),
        ({"long": "a", "shape": "long"}, "--long needs --id"),
    ],
)
def test_a_named_shape_needs_its_own_option(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(OptionError, match=message):
        LabelSpec(**kwargs)  # type: ignore[arg-type]


def test_the_delimited_shape_refuses_a_column_of_lists(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": pa.array([["x"]], pa.list_(pa.string()))}), path)
    with pytest.raises(LabelValueError, match=r"column 'a' holds lists.*--shape list"):
        load_frame(path, LabelSpec(labels="a", shape="delimited"))
    assert load_frame(path, LabelSpec(labels="a")).classes == ("x",)


def test_the_list_shape_reads_list_literals_in_text(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a\n"[""x"", ""y""]"\n"[]"\n', encoding="utf-8")
    frame = load_frame(path, LabelSpec(labels="a", shape="list"))
    assert frame.classes == ("x", "y") and frame.labels.toarray().tolist() == [
        [True, True],
        [False, False],
    ]
