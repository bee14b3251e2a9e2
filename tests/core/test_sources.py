"""Tables given as a DataFrame, a pyarrow Table, a path or a dict of them: `load_frame`
reads each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from splitguard.core.errors import ColumnError, InputError
from splitguard.core.load import load_frame
from splitguard.core.sources import table_inputs
from splitguard.core.spec import LabelSpec

SPEC = LabelSpec(labels="labels", sep="|", id="image", group=("patient",))


def data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "image": ["a", "b", "c", "d"],
            "labels": ["A|B", "A", "B", "A"],
            "patient": [1, 1, 2, 3],
        }
    )


def test_a_dataframe_reads_as_its_rows() -> None:
    frame = load_frame(data(), SPEC)
    assert frame.n_rows == 4
    assert frame.classes == ("A", "B")
    assert frame.n_groups == 3
    assert frame.sources[0].path == "DataFrame"
    assert frame.sources[0].in_memory


def test_a_dict_of_dataframes_reads_as_splits() -> None:
    rows = data()
    frame = load_frame({"train": rows.iloc[:2], "test": rows.iloc[2:]}, SPEC)
    assert frame.split_names == ("train", "test")
    assert [s.path for s in frame.sources] == ["DataFrame 'train'", "DataFrame 'test'"]
    assert list(frame.splits) == [0, 0, 1, 1]  # type: ignore[arg-type]


def test_a_dict_may_mix_paths_and_tables(tmp_path: Path) -> None:
    rows = data()
    path = tmp_path / "test.csv"
    rows.iloc[2:].astype(str).to_csv(path, index=False)
    first = pa.Table.from_pandas(rows.iloc[:2].astype(str), preserve_index=False)
    frame = load_frame({"train": first, "test": path}, SPEC)
    assert frame.split_names == ("train", "test")
    assert not frame.sources[1].in_memory


def test_a_missing_column_names_the_dataframe() -> None:
    with pytest.raises(ColumnError, match="DataFrame: no column 'patient id'"):
        load_frame(data(), LabelSpec(labels="labels", group=("patient id",)))


def test_an_empty_dataframe_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no rows"):
        load_frame(data().iloc[:0], SPEC)


def test_a_column_of_mixed_types_is_an_input_error() -> None:
    rows = data()
    rows["mixed"] = [1, "x", 2.5, None]
    with pytest.raises(InputError, match=r"df\.astype"):
        load_frame(rows, SPEC)


def test_repeated_column_names_are_an_input_error() -> None:
    rows = pd.concat([data(), data()[["image"]]], axis=1)
    with pytest.raises(InputError, match="'image' more than once"):
        load_frame(rows, SPEC)


def test_command_line_pairs_still_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    data().to_csv(path, index=False)
    assert [i.split for i in table_inputs([("train", str(path))])] == ["train"]
