"""splitguard.core.load: LabelSpec validation and load_frame over files, splits and shapes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from splitguard.core.errors import ColumnError, LabelValueError, OptionError, SplitguardError
from splitguard.core.load import load_frame, sorted_splits
from splitguard.core.options import Parser, blank_policy, uncertain_policy
from splitguard.core.spec import LabelSpec

MakeCsv = Callable[[str, str], Path]


def positives(frame: object) -> list[set[str]]:
    labels = frame.labels.toarray()  # type: ignore[attr-defined]
    classes = frame.classes  # type: ignore[attr-defined]
    return [{classes[j] for j in np.flatnonzero(row)} for row in labels]


# --- LabelSpec -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"labels": "a", "label_cols": ("b",)}, {"labels": "a", "long": "b", "id": "i"}],
)
def test_exactly_one_label_shape(kwargs: dict[str, object]) -> None:
    with pytest.raises(OptionError, match="exactly one of --labels"):
        LabelSpec(**kwargs)  # type: ignore[arg-type]


def test_long_needs_an_id() -> None:
    with pytest.raises(OptionError, match="--long needs --id"):
        LabelSpec(long="lab")


@pytest.mark.parametrize(
    ("field", "allowed"),
    [("uncertain", "negative, positive, error"), ("blank", "negative, error")],
)
def test_unknown_policy_names_option_and_allowed_values(field: str, allowed: str) -> None:
    with pytest.raises(OptionError) as caught:
        LabelSpec(label_cols=("A",), **{field: "maybe"})  # type: ignore[arg-type]
    assert f"--{field} 'maybe'" in str(caught.value) and allowed in str(caught.value)


@pytest.mark.parametrize(
    ("field", "policy"), [("uncertain", uncertain_policy), ("blank", blank_policy)]
)
def test_the_spec_checks_a_policy_as_its_option_does(field: str, policy: Parser) -> None:
    with pytest.raises(OptionError) as from_spec:
        LabelSpec(label_cols=("A",), **{field: "maybe"})  # type: ignore[arg-type]
    with pytest.raises(OptionError) as from_option:
        policy("maybe", f"--{field}")
    assert str(from_spec.value) == str(from_option.value)


# --- ids, groups, row numbers ----------------------------------------------------------


def test_ids_and_groups_are_strings(tiny_csv: MakeCsv) -> None:
    path = tiny_csv(
        "t.csv",
        "id,patient,lab\n000123,123456789012345678901234,a\n123,123456789012345678901234,b\n"
        "7,00042,a\n",
    )
    frame = load_frame(path, LabelSpec(labels="lab", id="id", group=("patient",)))
    assert frame.row_ids.tolist() == ["000123", "123", "7"]
    assert frame.group_names[frame.groups].tolist() == [
        "123456789012345678901234",
        "123456789012345678901234",
        "00042",
    ]


def test_numeric_parquet_ids_become_strings(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": [10, 2], "p": [1, 1], "lab": ["a", "b"]}), path)
    frame = load_frame(path, LabelSpec(labels="lab", id="id", group=("p",)))
    assert frame.row_ids.tolist() == ["10", "2"]
    assert frame.n_groups == 1


def test_without_id_rows_are_numbered_and_their_own_groups(tiny_csv: MakeCsv) -> None:
    frame = load_frame(tiny_csv("t.csv", "lab\na\nb\na\n"), LabelSpec(labels="lab"))
    assert frame.row_ids.tolist() == ["0", "1", "2"]
    assert not frame.has_ids and not frame.has_groups
    assert frame.n_groups == 3


# --- columns ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "option", "wrong", "suggested"),
    [
        (LabelSpec(labels="Finding Label", id="id"), "--labels", "Finding Label", "Finding Labels"),
        (LabelSpec(labels="Finding Labels", id="ID"), "--id", "ID", "id"),
        (
            LabelSpec(labels="Finding Labels", group=("patient_id",)),
            "--group",
            "patient_id",
            "Patient ID",
        ),
        (LabelSpec(label_cols=("Mass", "Nodul")), "--label-cols", "Nodul", "Nodule"),
    ],
)
def test_missing_column_lists_columns_and_suggests(
    tiny_csv: MakeCsv, spec: LabelSpec, option: str, wrong: str, suggested: str
) -> None:
    path = tiny_csv("t.csv", "id,Patient ID,Finding Labels,Mass,Nodule\n1,p,a,1,0\n")
    with pytest.raises(ColumnError) as caught:
        load_frame(path, spec)
    message = str(caught.value)
    assert str(path) in message and f"no column {wrong!r} for {option}" in message
    assert f"did you mean {suggested!r}" in message
    assert "'Patient ID', 'Finding Labels'" in message


def test_duplicated_named_column(tiny_csv: MakeCsv) -> None:
    path = tiny_csv("t.csv", "id,lab,lab\n1,a,b\n")
    with pytest.raises(ColumnError, match=r"'lab' .*2 times"):
        load_frame(path, LabelSpec(labels="lab", id="id"))


def test_glob_label_columns_skip_id_group_and_split(tiny_csv: MakeCsv) -> None:
    path = tiny_csv("t.csv", "id,p,split,A,B\n1,x,train,1,0\n2,y,test,0,1\n")
    frame = load_frame(
        path, LabelSpec(label_cols=("glob:*",), id="id", group=("p",), split_col="split")
    )
    assert frame.classes == ("A", "B")
    with pytest.raises(OptionError, match="matches no column"):
        load_frame(path, LabelSpec(label_cols=("glob:Z*",), id="id"))


def test_wide_label_values_message_names_file_column_row(tiny_csv: MakeCsv) -> None:
    path = tiny_csv("t.csv", "id,A,B\n1,1,0\n2,0,-1\n")
    with pytest.raises(LabelValueError) as caught:
        load_frame(path, LabelSpec(label_cols=("A", "B"), id="id"))
    assert f"{path}, row 2: column 'B'" in str(caught.value)
    lenient = load_frame(path, LabelSpec(label_cols=("A", "B"), id="id"), strict=False)
    assert positives(lenient) == [{"A"}, set()]


# --- declared classes ------------------------------------------------------------------


def test_declared_classes_come_first_in_their_order(tiny_csv: MakeCsv) -> None:
    path = tiny_csv("t.csv", "lab\nb|a\nc\n")
    frame = load_frame(path, LabelSpec(labels="lab", sep="|", classes=("c", "z", "b", "a")))
    assert frame.classes == ("c", "z", "b", "a")
    assert positives(frame) == [{"a", "b"}, {"c"}]
    with pytest.raises(LabelValueError, match="'c' are not among the declared"):
        load_frame(path, LabelSpec(labels="lab", sep="|", classes=("a", "b")))
    lenient = load_frame(path, LabelSpec(labels="lab", sep="|", classes=("b", "a")), strict=False)
    assert lenient.classes == ("b", "a", "c")


# --- splits ----------------------------------------------------------------------------


def test_split_files(tiny_csv: MakeCsv) -> None:
    train = tiny_csv("train.csv", "id,lab\n1,a\n2,b\n")
    test = tiny_csv("test.csv", "id,lab\n3,a\n")
    frame = load_frame([("train", train), ("test", test)], LabelSpec(labels="lab", id="id"))
    assert frame.split_names == ("train", "test")
    assert frame.splits is not None and frame.splits.tolist() == [0, 0, 1]
    assert frame.locate(2) == (str(test), 1)


def test_split_file_errors_name_the_file_and_its_row(tiny_csv: MakeCsv) -> None:
    train = tiny_csv("train.csv", "id,lab\n1,a\n2,b\n")
    test = tiny_csv("test.csv", "id,lab\n3,a\n4,['x'\n")
    with pytest.raises(LabelValueError, match=rf"{test}, row 2: column 'lab'"):
        load_frame([("train", train), ("test", test)], LabelSpec(labels="lab", id="id"))


def test_split_files_must_agree(tiny_csv: MakeCsv, tmp_path: Path) -> None:
    train = tiny_csv("train.csv", "id,lab,A\n1,a,1\n")
    pq.write_table(pa.table({"id": ["2"], "lab": ["a"], "A": [[1]]}), tmp_path / "test.parquet")
    with pytest.raises(LabelValueError, match="columns do not agree"):
        load_frame(
            [("train", train), ("test", tmp_path / "test.parquet")],
            LabelSpec(labels="lab", id="id"),
        )


@pytest.mark.parametrize(
    ("test_header", "said"),
    [
        ("id,lab,note", "train.csv alone has 'A'; "),
        ("id,A,lab", "the same columns in another order"),
    ],
)
def test_split_files_with_other_columns_are_refused(
    tiny_csv: MakeCsv, test_header: str, said: str
) -> None:
    # Joined, a file without a column would get empty cells in it: rows no longer untouched.
    train = tiny_csv("train.csv", "id,lab,A\n1,a,1\n")
    test = tiny_csv(
        "test.csv",
        f"{test_header}\n2,a,x\n" if "note" in test_header else f"{test_header}\n2,1,a\n",
    )
    with pytest.raises(LabelValueError, match="the split files' columns differ") as caught:
        load_frame([("train", train), ("test", test)], LabelSpec(labels="lab", id="id"))
    assert said in str(caught.value)


@pytest.mark.parametrize(
    ("inputs", "spec", "message"),
    [
        ([("train", "a"), ("train", "b")], LabelSpec(labels="lab"), "named twice"),
        ([("train", "a"), (None, "b")], LabelSpec(labels="lab"), "give every input a split"),
        ([("train", "a")], LabelSpec(labels="lab", split_col="s"), "not both"),
    ],
)
def test_split_naming_errors(
    inputs: list[tuple[str | None, str]], spec: LabelSpec, message: str
) -> None:
    with pytest.raises(OptionError, match=message):
        load_frame(inputs, spec)


def test_split_column(tiny_csv: MakeCsv) -> None:
    path = tiny_csv("t.csv", "lab,s\na,test\nb, train\na,val\nb,extra\n")
    frame = load_frame(path, LabelSpec(labels="lab", split_col="s"))
    assert frame.split_names == ("train", "val", "test", "extra")
    assert frame.splits is not None
    assert [frame.split_names[s] for s in frame.splits] == ["test", "train", "val", "extra"]
    blank = tiny_csv("b.csv", "lab,s\na,test\nb,\n")
    with pytest.raises(LabelValueError, match=r"row 2: column 's' is empty"):
        load_frame(blank, LabelSpec(labels="lab", split_col="s"))


def test_sorted_splits() -> None:
    assert sorted_splits(["test", "b", "train", "a", "val", "test"]) == [
        "train",
        "val",
        "test",
        "a",
        "b",
    ]


# --- long shape ------------------------------------------------------------------------


def test_long_aggregates_per_id_in_first_seen_order(tiny_csv: MakeCsv) -> None:
    path = tiny_csv(
        "t.csv",
        "img,patient,finding\n"
        "i2,p1,Mass\ni1,p1,No Finding\ni2,p1, Nodule\ni3,p2,Mass\ni2,p1,Mass\n",
    )
    frame = load_frame(
        path, LabelSpec(long="finding", id="img", group=("patient",), none=("No Finding",))
    )
    assert frame.row_ids.tolist() == ["i2", "i1", "i3"]
    assert positives(frame) == [{"Mass", "Nodule"}, set(), {"Mass"}]
    assert frame.row_of_record.tolist() == [0, 1, 0, 2, 0]
    assert frame.group_names[frame.groups].tolist() == ["p1", "p1", "p2"]
    assert frame.table.num_rows == 5  # the original table, untouched


def test_long_with_split_column_keeps_one_item_per_id_and_split(tiny_csv: MakeCsv) -> None:
    path = tiny_csv("t.csv", "img,f,s\ni1,a,train\ni1,b,train\ni1,a,test\n")
    frame = load_frame(path, LabelSpec(long="f", id="img", split_col="s"))
    assert frame.row_ids.tolist() == ["i1", "i1"]
    assert frame.splits is not None
    assert [frame.split_names[s] for s in frame.splits] == ["train", "test"]
    assert positives(frame) == [{"a", "b"}, {"a"}]


def test_long_records_without_id_are_not_merged(tiny_csv: MakeCsv) -> None:
    path = tiny_csv("t.csv", "img,f\ni1,a\n,b\ni1,c\n,d\n")
    frame = load_frame(path, LabelSpec(long="f", id="img"))
    assert frame.row_ids.tolist() == ["i1", None, None]
    assert positives(frame) == [{"a", "c"}, {"b"}, {"d"}]


def test_every_error_is_a_splitguard_error() -> None:
    for error in (ColumnError, LabelValueError, OptionError):
        assert issubclass(error, SplitguardError)


# --- missing keys ----------------------------------------------------------------------

SPELLED_MISSING = [
    "",
    " ",
    "NaN",
    "nan",
    "None",
    "NA",
    "N/A",
    "n/a",
    "null",
    "NULL",
    "<NA>",
    "#N/A",
]


def test_missing_key_spellings_are_missing_not_one_patient(tiny_csv: MakeCsv) -> None:
    rows = [(f"{i:03d}", spelled, "NaN") for i, spelled in enumerate(SPELLED_MISSING)]
    rows += [("100", "P1", "x"), ("101", "P1", "y"), ("102", "none", "z")]
    path = tiny_csv(
        "t.csv", "id,patient,note\n" + "".join(f"{i},{p},{n}\n" for i, p, n in rows) + "NA,P2,w\n"
    )
    frame = load_frame(path, LabelSpec(labels="note", id="id", group=("patient",)))
    # Twelve rows without a key: twelve groups, not one; `none` (lower case) is a key.
    assert frame.n_groups == len(SPELLED_MISSING) + 3
    assert frame.table.column("patient").null_count == len(SPELLED_MISSING)
    assert frame.row_ids.tolist()[-1] is None
    # A column no option names as a key keeps its cells as read.
    assert frame.table.column("note").to_pylist()[0] == "NaN"


def test_float_nan_keys_in_parquet_are_missing(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    nan = float("nan")
    pq.write_table(
        pa.table({"p": [1.0, nan, nan, 1.0], "lab": ["a", "b", "a", "b"], "v": [nan] * 4}), path
    )
    frame = load_frame(path, LabelSpec(labels="lab", group=("p",)))
    assert frame.n_groups == 3
    assert frame.table.column("p").null_count == 2
    assert frame.table.schema.field("p").type == pa.float64()
    assert frame.table.column("v").null_count == 0


def test_loading_and_linting_a_grouped_table_does_not_import_pandas(tmp_path: Path) -> None:
    # pandas costs 0.4 s of every `check`; the missing-key and label screens used to pull
    # it in through pa.array. (pandera, and so pandas, loads only when a check may fail.)
    import subprocess
    import sys

    (tmp_path / "t.csv").write_text("id,pid,lab,part\n1,p1,a|b,train\n2,p2,b,test\n")
    code = (
        "import sys; from splitguard.core.spec import LabelSpec; "
        "from splitguard.core.load import load_frame; "
        "from splitguard.lint.engine import lint; "
        f"frame = load_frame({str(tmp_path / 't.csv')!r}, LabelSpec(labels='lab', sep='|', "
        "id='id', group=('pid',), split_col='part'), strict=False); lint(frame); "
        "sys.exit('pandas' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
