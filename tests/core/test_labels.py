"""splitguard.core.labels and the shapes' parsers: the four shapes, each to the same matrix."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitguard.core.errors import LabelValueError, OptionError
from splitguard.core.labels import (
    Parsed,
    as_parsed,
    bare_list_cells,
    distinct,
    parse_list_literal,
)
from splitguard.core.load import load_frame
from splitguard.core.shapes.delimited import string_labels
from splitguard.core.shapes.lists import list_labels
from splitguard.core.shapes.wide import wide_labels
from splitguard.core.spec import LabelSpec

MakeCsv = Callable[[str, str], Path]


def where(row: int) -> str:
    return f"t.csv, row {row + 1}"


def strings(values: list[str | None]) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(values, pa.string())])


def positives(matrix: Any, classes: tuple[str, ...]) -> list[set[str]]:
    """Each row's classes, from `LabelRows` (what a parser returns) or a scipy matrix."""
    return [{classes[j] for j in np.flatnonzero(row)} for row in matrix.toarray()]


# --- the parse result ------------------------------------------------------------------


def test_parsed_reordered_keeps_each_class_column_and_adds_empty_ones() -> None:
    parsed = as_parsed(Parsed(np.array([[True, False], [False, True]]), ("a", "b")))
    reordered = parsed.reordered(("b", "z", "a"))
    assert reordered.classes == ("b", "z", "a")
    assert reordered.matrix.toarray().tolist() == [[False, False, True], [True, False, False]]


def test_parsed_merged_gives_an_item_every_label_of_its_rows() -> None:
    parsed = as_parsed(Parsed(np.array([[True, False], [False, True], [False, False]]), ("a", "b")))
    merged = parsed.merged(np.array([1, 1, 0]), 2)
    assert merged.classes == ("a", "b")
    assert merged.matrix.toarray().tolist() == [[False, False], [True, True]]


# --- delimited and list-literal strings -------------------------------------------------


def test_delimited_none_and_white_space() -> None:
    column = strings(["Mass| Nodule ", "No Finding", " Mass", "Nodule|Mass|Mass"])
    parsed = string_labels(
        column, name="lab", sep="|", none=frozenset({"No Finding"}), blank="error", where=where
    )
    assert parsed.classes == ("Mass", "Nodule")
    assert positives(parsed.matrix, parsed.classes) == [
        {"Mass", "Nodule"},
        set(),
        {"Mass"},
        {"Mass", "Nodule"},
    ]


def test_bare_cells_count_only_in_a_column_of_lists() -> None:
    mostly_lists = strings(['["Mass"]', "[]", "Mass|Nodule", None, " ", '["Nodule"]'])
    assert bare_list_cells(*distinct(mostly_lists)).tolist() == [2]
    mostly_bare = strings(["Mass", "Nodule|Mass", '["Mass"]'])
    assert bare_list_cells(*distinct(mostly_bare)).tolist() == []


def test_a_bare_cell_among_lists_is_an_error_only_when_strict() -> None:
    column = strings(['["Mass"]', "Nodule", '["Mass", "Nodule"]'])
    options = {"name": "lab", "sep": "|", "none": frozenset(), "blank": "error", "where": where}
    with pytest.raises(LabelValueError, match=r"t.csv, row 2: column 'lab' holds lists, but"):
        string_labels(column, **options)  # type: ignore[arg-type]
    parsed = string_labels(column, **options, strict=False)  # type: ignore[arg-type]
    assert positives(parsed.matrix, parsed.classes) == [{"Mass"}, {"Nodule"}, {"Mass", "Nodule"}]


def test_chunked_column_codes_agree_across_chunks() -> None:
    column = pa.chunked_array([pa.array(["a", "b"]), pa.array(["c", "a", None])])
    codes, values = distinct(column)
    assert [values[c] if c >= 0 else None for c in codes] == ["a", "b", "c", "a", None]


def test_all_null_column_codes_as_null() -> None:
    codes, values = distinct(pa.chunked_array([pa.nulls(3)]))
    assert codes.tolist() == [-1, -1, -1] and values == []


@pytest.mark.parametrize(
    "cell",
    ['["Mass", "Nodule"]', "['Mass', 'Nodule']", "('Mass', 'Nodule')", "[' Mass ', 'Nodule']"],
)
def test_list_literals(cell: str) -> None:
    text = cell if cell.startswith("[") else cell.replace("(", "[").replace(")", "]")
    parsed = string_labels(
        strings([text, "[]"]), name="lab", sep=None, none=frozenset(), blank="error", where=where
    )
    assert positives(parsed.matrix, parsed.classes) == [{"Mass", "Nodule"}, set()]


def test_list_literal_none_value_and_null_items_are_not_classes() -> None:
    parsed = string_labels(
        strings(['["No Finding"]', '["a", null]', "['b', None]"]),
        name="lab",
        sep=None,
        none=frozenset({"No Finding"}),
        blank="error",
        where=where,
    )
    assert parsed.classes == ("a", "b")
    assert positives(parsed.matrix, parsed.classes) == [set(), {"a"}, {"b"}]


@pytest.mark.parametrize(
    "text",
    [
        "['a', 'b'",
        "[__import__('os').system('echo pwned')]",
        "[1, [2]]",
        "[a, b]",
        "[" * 5000,
    ],
)
def test_bad_list_literal_names_row_column_and_value(text: str) -> None:
    with pytest.raises(LabelValueError) as caught:
        string_labels(
            strings(["['ok']", text]),
            name="lab",
            sep=None,
            none=frozenset(),
            blank="error",
            where=where,
        )
    message = str(caught.value)
    assert "t.csv, row 2" in message and "'lab'" in message and "does not parse" in message
    assert text[:20] in message


def test_parse_list_literal_never_evaluates() -> None:
    with pytest.raises(ValueError):
        parse_list_literal("[open('/etc/passwd').read()]")
    with pytest.raises(ValueError):
        parse_list_literal("{'a': 1}")


def test_blank_string_cell_is_an_error_naming_the_option_unless_negative() -> None:
    column = strings(["a", None])
    with pytest.raises(LabelValueError, match=r"row 2: column 'lab' is empty.*--blank negative"):
        string_labels(column, name="lab", sep="|", none=frozenset(), blank="error", where=where)
    parsed = string_labels(
        column, name="lab", sep="|", none=frozenset(), blank="negative", where=where
    )
    assert parsed.matrix.toarray().tolist() == [[True], [False]]


def test_white_space_only_cell_is_blank() -> None:
    column = strings(["a", "   "])
    with pytest.raises(LabelValueError, match=r"row 2: column 'lab' is empty"):
        string_labels(column, name="lab", sep="|", none=frozenset(), blank="error", where=where)


# --- Arrow list<string> ----------------------------------------------------------------


def test_list_column_with_none_nulls_and_empty_lists() -> None:
    column = pa.chunked_array(
        [
            pa.array([[" b", "a"], []], pa.list_(pa.string())),
            pa.array([["No Finding"], None, ["a", None]], pa.list_(pa.string())),
        ]
    )
    with pytest.raises(LabelValueError, match="row 4"):
        list_labels(column, name="lab", none=frozenset({"No Finding"}), blank="error", where=where)
    parsed = list_labels(
        column, name="lab", none=frozenset({"No Finding"}), blank="negative", where=where
    )
    assert parsed.classes == ("a", "b")
    assert positives(parsed.matrix, parsed.classes) == [{"a", "b"}, set(), set(), set(), {"a"}]


def test_sliced_list_column() -> None:
    full = pa.array([["x"], ["a"], ["b", "a"]], pa.list_(pa.string()))
    parsed = list_labels(
        pa.chunked_array([full.slice(1)]), name="l", none=frozenset(), blank="error", where=where
    )
    assert positives(parsed.matrix, parsed.classes) == [{"a"}, {"a", "b"}]


# --- wide 0/1 columns ------------------------------------------------------------------


def wide(columns: dict[str, list[object]], **policy: str) -> list[set[str]]:
    options = {"uncertain": "error", "blank": "error", "strict": True, **policy}
    parsed = wide_labels(
        pa.table(columns),
        list(columns),
        uncertain=str(options["uncertain"]),
        blank=str(options["blank"]),
        strict=bool(options["strict"]),
        where=where,
    )
    return positives(parsed.matrix, parsed.classes)


@pytest.mark.parametrize(
    "values",
    [[1, 0], [True, False], [1.0, 0.0], ["1", "0"], ["true", "false"], ["yes", "no"]],
)
def test_wide_value_spellings(values: list[object]) -> None:
    assert wide({"A": values}) == [{"A"}, set()]


def test_wide_columns_are_sorted_and_stripped() -> None:
    parsed = wide_labels(
        pa.table({" Zeta ": [1], "Alpha": [0]}),
        [" Zeta ", "Alpha"],
        uncertain="error",
        blank="error",
        strict=True,
        where=where,
    )
    assert parsed.classes == ("Alpha", "Zeta")
    assert parsed.matrix.toarray().tolist() == [[False, True]]


def test_wide_uncertain_policies() -> None:
    columns: dict[str, list[object]] = {"A": [1, -1, 0], "B": [-1.0, 0.0, 1.0]}
    assert wide(columns, uncertain="negative") == [{"A"}, set(), {"B"}]
    assert wide(columns, uncertain="positive") == [{"A", "B"}, {"A"}, {"B"}]
    with pytest.raises(LabelValueError) as caught:
        wide(columns)
    assert "--uncertain negative" in str(caught.value) and "column 'A'" in str(caught.value)
    assert "row 2" in str(caught.value)


def test_wide_blank_policies() -> None:
    columns: dict[str, list[object]] = {"A": [1, None, 0], "B": [float("nan"), 0.0, 1.0]}
    assert wide(columns, blank="negative") == [{"A"}, set(), {"B"}]
    with pytest.raises(LabelValueError, match="--blank negative"):
        wide(columns)
    with pytest.raises(LabelValueError, match=r"row 1: column 'B' is empty"):
        wide({"B": columns["B"]})


def test_wide_value_outside_the_allowed_set() -> None:
    with pytest.raises(LabelValueError) as caught:
        wide({"A": [1, 2, 0]})
    assert "row 2" in str(caught.value) and "2" in str(caught.value)
    assert "Allowed" in str(caught.value)
    assert wide({"A": [1, 2, 0]}, strict=False) == [{"A"}, set(), set()]


# --- every shape round-trips (property) ------------------------------------------------

NAMES = st.sampled_from(["a", "b", "Mass", "No Finding", " c ", "d e", "rare_001"])
ROWS = st.lists(st.sets(NAMES, max_size=4), min_size=1, max_size=25)


def _expected(rows: list[set[str]]) -> list[set[str]]:
    return [{n.strip() for n in row if n != "No Finding"} for row in rows]


def _load_shape(shape: str, rows: list[set[str]], folder: Path) -> list[set[str]]:
    import csv

    import pyarrow.parquet as pq

    ids = [f"{i:03d}" for i in range(len(rows))]
    ordered = [sorted(row) for row in rows]
    none = ("No Finding",)
    path = folder / f"{shape}.csv"
    spec: LabelSpec
    if shape == "list-parquet":
        path = folder / "t.parquet"
        pq.write_table(pa.table({"id": ids, "lab": pa.array(ordered, pa.list_(pa.string()))}), path)
        spec = LabelSpec(labels="lab", none=none, id="id")
    elif shape == "long":
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "lab"])
            for item, row in zip(ids, ordered, strict=True):
                for name in row or ["No Finding"]:
                    writer.writerow([item, name])
        spec = LabelSpec(long="lab", none=none, id="id")
    elif shape == "wide":
        classes = sorted({n for row in rows for n in row} | {"z"})
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", *classes])
            for item, row in zip(ids, rows, strict=True):
                writer.writerow([item, *(int(c in row) for c in classes)])
        spec = LabelSpec(label_cols=("glob:*",), id="id")
    else:
        render_cell = {
            "delimited": lambda row: "|".join(row) or "No Finding",
            "json": json.dumps,
            "python": repr,
        }[shape]
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "lab"])
            writer.writerows(
                [item, render_cell(row)] for item, row in zip(ids, ordered, strict=True)
            )
        spec = LabelSpec(
            labels="lab", sep="|" if shape == "delimited" else None, none=none, id="id"
        )
    frame = load_frame(path, spec)
    assert frame.row_ids.tolist() == ids  # no row lost, none added, order kept
    found = positives(frame.labels, frame.classes)
    if shape == "wide":  # the wide table spells "No Finding" as a column; drop it to compare
        found = [{n for n in row if n != "No Finding"} for row in found]
    return found


SHAPES = ["delimited", "json", "python", "list-parquet", "long", "wide"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS)
def test_every_shape_round_trips_to_the_same_labels(rows: list[set[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for shape in SHAPES:
            assert _load_shape(shape, rows, Path(folder)) == _expected(rows), shape


# --- wide cells read from CSV text -----------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1", "0", "0"], [1, 0, 0]),
        (["1.00", "0.0", "-0"], [1, 0, 0]),
        (["+1", "01", "00"], [1, 1, 0]),
        (["1e0", "0", "0"], [1, 0, 0]),
        (["true", "FALSE", "False"], [1, 0, 0]),
        (["1", "", "0"], [1, 0, 0]),
        (["-1.0", "1", "0"], [1, 1, 0]),
        (["nan", "1", "0"], [0, 1, 0]),
        (["1.0", "yes", "0"], [1, 1, 0]),
    ],
)
def test_wide_csv_text_parses_as_the_inferred_numbers_did(
    tmp_path: Path, cells: list[str], expected: list[int]
) -> None:
    path = tmp_path / "w.csv"
    path.write_text("id,A\n" + "".join(f"{i},{cell}\n" for i, cell in enumerate(cells)))
    spec = LabelSpec(label_cols=("A",), id="id", uncertain="positive", blank="negative")
    for strict in (True, False):
        frame = load_frame(path, spec, strict=strict)
        assert frame.labels.toarray()[:, 0].astype(int).tolist() == expected


def test_wide_csv_text_blank_and_nan_are_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("id,A\n1,1\n2,nan\n")
    with pytest.raises(LabelValueError, match="row 2: column 'A' is empty"):
        load_frame(path, LabelSpec(label_cols=("A",), id="id"))


def test_hexadecimal_text_is_not_a_number(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("id,A\n1,0x1\n2,0\n")
    with pytest.raises(LabelValueError, match="'0x1', not a label value"):
        load_frame(path, LabelSpec(label_cols=("A",), id="id"))


# --- a column of ids given as labels ---------------------------------------------------


def test_an_id_column_as_labels_is_refused_before_the_matrix(nih_path: Path) -> None:
    import tracemalloc

    tracemalloc.start()
    with pytest.raises(LabelValueError) as caught:
        load_frame(nih_path, LabelSpec(labels="Image Index", group=("Patient ID",)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    message = str(caught.value)
    assert "column 'Image Index'" in message and "112,120 distinct labels" in message
    assert "--id 'Image Index'" in message and "--sep" not in message
    assert peak < 400 << 20  # the (rows x classes) matrix would be 12.5 GB


def test_an_unseparated_tag_column_suggests_its_separator(tiny_csv: MakeCsv) -> None:
    path = tiny_csv("t.csv", "lab\n" + "".join(f"t{i}|u{i}\n" for i in range(2_000)))
    with pytest.raises(LabelValueError, match=r"--sep '\|'"):
        load_frame(path, LabelSpec(labels="lab"))
    assert load_frame(path, LabelSpec(labels="lab", sep="|")).n_classes == 4_000


def test_list_cells_of_ids_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"lab": [[f"id{i}"] for i in range(3_000)]}), path)
    with pytest.raises(LabelValueError, match="3,000 distinct labels in 3,000 rows"):
        load_frame(path, LabelSpec(labels="lab"))


def test_many_classes_with_many_labels_a_row_are_a_tagging_set(tiny_csv: MakeCsv) -> None:
    # 3,000 tags over 1,200 rows, 10 tags a row (extreme multi-label): accepted.
    rows = ["|".join(f"tag{(7 * r + k) % 3_000}" for k in range(10)) for r in range(1_200)]
    frame = load_frame(
        tiny_csv("t.csv", "lab\n" + "\n".join(rows) + "\n"), LabelSpec(labels="lab", sep="|")
    )
    assert frame.n_classes == 3_000


def test_a_small_table_with_one_class_a_row_is_accepted(tiny_csv: MakeCsv) -> None:
    path = tiny_csv("t.csv", "lab\n" + "".join(f"c{i}\n" for i in range(900)))
    assert load_frame(path, LabelSpec(labels="lab")).n_classes == 900


@pytest.mark.parametrize(
    ("option", "kwargs"), [("--id", {"id": "x"}), ("--group", {"group": ("x",)})]
)
def test_the_label_column_cannot_also_be_a_key(option: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(OptionError, match=f"labels and as {option}"):
        LabelSpec(labels="x", **kwargs)  # type: ignore[arg-type]
