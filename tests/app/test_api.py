"""`splitguard.split` and `splitguard.fix`: the commands from Python, on DataFrames and paths."""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import splitguard
from splitguard.app.requests import FIX_NAMES, INPUT_NAMES, SPLIT_NAMES
from splitguard.core.errors import OptionError, OutputError, SplitguardError, SplitguardWarning

SPEC = {"labels": "labels", "sep": "|", "none": "none", "id": "image", "group": "patient"}


def table(rows: int = 120) -> pd.DataFrame:
    """Patients with 1-3 images each, labels A, B, C (C rare), some images with none."""
    patients = [f"p{i // 3:03d}" for i in range(rows)]
    labels = [("A|B", "A", "B", "none", "C|A")[i % 5] for i in range(rows)]
    frame = pd.DataFrame(
        {"image": [f"img{i}.png" for i in range(rows)], "labels": labels, "patient": patients}
    )
    frame.index = pd.RangeIndex(1000, 1000 + rows)  # the user's index, kept in `.table`
    return frame


def test_split_returns_the_input_rows_untouched_plus_split() -> None:
    data = table()
    before = data.copy()
    result = splitguard.split(data, **SPEC, fractions={"train": 0.6, "val": 0.2, "test": 0.2})
    assert data.equals(before)  # the input is never modified
    out = result.table
    assert out.drop(columns="split").equals(data)
    assert list(out.index) == list(data.index)
    assert set(out["split"]) == {"train", "val", "test"}
    # No patient in two splits.
    assert out.groupby("patient")["split"].nunique().max() == 1
    assert result.report["command"] == "split"
    assert result.report["request"]["fractions"] == {"train": 0.6, "val": 0.2, "test": 0.2}
    assert result.exit_status in (0, 1)
    assert all(f.code.startswith("SG") for f in result.findings)


def test_split_of_a_path_an_arrow_table_and_a_dataframe_agree(tmp_path: Path) -> None:
    data = table()
    path = tmp_path / "labels.csv"
    data.to_csv(path, index=False)
    runs = [
        splitguard.split(source, **SPEC, seed=3)
        for source in (data, path, str(path), pa.Table.from_pandas(data, preserve_index=False))
    ]
    columns = [list(run.table["split"]) for run in runs]
    assert all(column == columns[0] for column in columns)


def test_split_takes_folds_and_names_the_column_fold() -> None:
    result = splitguard.split(table(), **SPEC, folds=4)
    assert set(result.table["fold"]) == {"fold-1", "fold-2", "fold-3", "fold-4"}
    assert result.assignment.shape == (result.frame.n_groups,)


def test_write_writes_the_command_line_files_and_refuses_a_taken_folder(tmp_path: Path) -> None:
    result = splitguard.split(table(), **SPEC)
    written = result.write(tmp_path / "out")
    assert set(written.files) >= {"train.parquet", "report.json", "manifest.json"}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["inputs"][0]["path"] == "DataFrame"
    assert len(manifest["inputs"][0]["sha256"]) == 64
    assert manifest["options"]["group"] == ["patient"]
    with pytest.raises(OutputError):
        result.write(tmp_path / "out")
    result.write(tmp_path / "out", force=True)


def test_write_refuses_to_write_over_an_input(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    table().to_parquet(folder / "part.parquet")
    result = splitguard.split(folder, **SPEC)
    with pytest.raises(OutputError):
        result.write(folder, force=True)
    assert (folder / "part.parquet").exists()


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"min_positive": {"test": 2}}, "no keyword 'min_positive' .*did you mean 'min_positives'"),
        ({"fractions": 0.8}, "--fractions takes SPLIT=VALUE pairs"),
        ({"fractions": {"train": 0.8, "test": 0.1}}, "adds up to 0.9"),
        ({"seed": "zero"}, "--seed takes a whole number"),
        ({"folds": 1}, "--folds takes 2 or more"),
        ({"folds": 3, "fractions": {"a": 0.5, "b": 0.5}}, "not both"),
        ({"min_positives": {"holdout": 2}}, "'holdout'"),
        ({"fail_on": "never"}, "'never' is not allowed"),
        ({"uncertain": "maybe"}, "'maybe' is not allowed"),
        ({"out": "folder"}, r"result.write\(DIR"),
        ({"group": "nope"}, "no column 'nope' for --group"),
        ({"hide_ids": "yes"}, "--hide-ids takes true or false"),
    ],
)
def test_a_bad_keyword_is_the_command_line_error(keywords: dict[str, object], message: str) -> None:
    spec = {**SPEC, **{k: v for k, v in keywords.items() if k in SPEC}}
    others = {k: v for k, v in keywords.items() if k not in SPEC}
    with pytest.raises(SplitguardError, match=message):
        splitguard.split(table(), **spec, **others)  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [42, None, [1, 2], {"train": 3}, {1: "a.csv"}, {}])
def test_data_that_is_not_a_table_is_an_option_error(data: object) -> None:
    with pytest.raises(OptionError, match=r"table|dict|split"):
        splitguard.split(data, **SPEC)


def test_every_split_option_of_the_command_line_is_a_keyword() -> None:
    for function, names in ((splitguard.split, SPLIT_NAMES), (splitguard.fix, FIX_NAMES)):
        parameters = inspect.signature(function).parameters.values()
        keywords = [p.name for p in parameters if p.kind == p.KEYWORD_ONLY]
        # The engine is the function: splitguard.spark.split runs on Spark.
        options = [n for n in (*INPUT_NAMES, *names) if n not in ("out", "force", "engine")]
        expected = [n.replace("-", "_") for n in options]
        assert keywords == expected


def test_engine_is_not_a_keyword_of_the_in_memory_functions() -> None:
    with pytest.raises(
        OptionError, match=r"engine= is not a keyword here.*splitguard\.spark\.split"
    ):
        splitguard.split(table(), **SPEC, engine="spark")


def test_a_minimum_no_split_can_meet_is_a_python_warning() -> None:
    with pytest.warns(SplitguardWarning, match="cannot be met"):
        result = splitguard.split(table(), **SPEC, min_positives={"test": 500})
    assert any("cannot be met" in w for w in result.warnings)


def test_fix_repairs_a_leak_in_a_dict_of_dataframes() -> None:
    data = table()
    train, test = data.iloc[:90], data.iloc[87:]  # patient p029 in both
    result = splitguard.fix({"train": train, "test": test}, **SPEC)
    out = result.table
    assert out.groupby("patient")["split"].nunique().max() == 1
    assert result.report["moves_summary"]["groups"] >= 1
    assert len(out) == len(train) + len(test)
    assert not any(f.code == "SG201" for f in result.findings)


def test_split_stays_the_function_after_the_subpackage_is_imported() -> None:
    import splitguard.split.assign  # binds the subpackage on the package, as a run does

    assert callable(splitguard.split)
    splitguard.split(table(), **SPEC)
    assert callable(splitguard.split)
    assert sys.modules["splitguard.split"].__name__ == "splitguard.split"


def test_the_scikit_learn_splitters_are_top_level_names() -> None:
    from splitguard import MultilabelStratifiedGroupKFold, MultilabelStratifiedGroupSplit
    from splitguard.split import sklearn_api

    assert MultilabelStratifiedGroupKFold is sklearn_api.MultilabelStratifiedGroupKFold
    assert MultilabelStratifiedGroupSplit is sklearn_api.MultilabelStratifiedGroupSplit
