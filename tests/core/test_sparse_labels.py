"""Every label shape gives the CSR matrix a per-row set of class names gives.

The reference is built in Python, row by row, from the sets the table was written from:
on NIH and on a random table of 2,000 classes in each shape (delimited text,
list<string>, wide 0/1 columns with -1 and blanks, long rows).
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from splitguard.core.frame import LabelFrame
from splitguard.core.labels import LabelRows, Parsed, as_parsed, from_cells
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec

N_CLASSES = 2_000


def assert_matches(labels: Any, classes: tuple[str, ...], rows: list[set[str]]) -> None:
    """`labels` is the canonical bool CSR of `rows`, its classes every name, sorted."""
    assert labels.format == "csr" and labels.dtype == bool
    assert labels.has_canonical_format and labels.shape == (len(rows), len(classes))
    assert classes == tuple(sorted(set().union(*rows)))
    index = {name: j for j, name in enumerate(classes)}
    expected_indptr = np.cumsum([0, *map(len, rows)])
    expected_indices = [j for row in rows for j in sorted(index[name] for name in row)]
    assert labels.indptr.tolist() == expected_indptr.tolist()
    assert labels.indices.tolist() == expected_indices
    assert labels.data.all()


def random_rows(n_rows: int, seed: int) -> list[set[str]]:
    """Rows of 0 to 5 labels over 2,000 classes of Zipf-like popularity (every class
    used at least once)."""
    rng = np.random.default_rng(seed)
    names = [f"c{j:04d}" for j in range(N_CLASSES)]
    weights = 1.0 / np.arange(1, N_CLASSES + 1) ** 1.1
    rows = [
        {
            names[j]
            for j in rng.choice(N_CLASSES, size=rng.integers(0, 6), p=weights / weights.sum())
        }
        for _ in range(n_rows)
    ]
    for j, name in enumerate(names):
        rows[j % n_rows].add(name)
    return rows


@pytest.fixture(scope="module")
def table_rows() -> list[set[str]]:
    return random_rows(3_000, seed=11)


def keyed(rows: list[set[str]], columns: dict[str, Any]) -> pa.Table:
    ids = [f"r{i}" for i in range(len(rows))]
    return pa.table({"id": ids, "patient": [f"p{i // 3}" for i in range(len(rows))], **columns})


def test_delimited_text(table_rows: list[set[str]]) -> None:
    # Repeats, white space and a "none" value the reference leaves out.
    cells_text = ["|".join([*sorted(row), *sorted(row)[:1], " none "]) for row in table_rows]
    table = keyed(table_rows, {"tags": cells_text})
    frame = load_frame(table, LabelSpec(labels="tags", sep="|", none=("none",), id="id"))
    assert_matches(frame.labels, frame.classes, table_rows)


def test_list_of_strings(table_rows: list[set[str]]) -> None:
    lists = [[*sorted(row, reverse=True), None, *sorted(row)[:1]] for row in table_rows]
    table = keyed(table_rows, {"tags": pa.array(lists, pa.list_(pa.string()))})
    frame = load_frame(table, LabelSpec(labels="tags", id="id"))
    assert_matches(frame.labels, frame.classes, table_rows)


def test_list_literal_text(table_rows: list[set[str]]) -> None:
    literals = [str(sorted(row)) for row in table_rows]
    frame = load_frame(keyed(table_rows, {"tags": literals}), LabelSpec(labels="tags", id="id"))
    assert_matches(frame.labels, frame.classes, table_rows)


def test_long_rows(table_rows: list[set[str]]) -> None:
    ids, labels = [], []
    for i, row in enumerate(table_rows):
        for name in [*sorted(row), *sorted(row)[:1]] or [None]:
            ids.append(f"r{i}")
            labels.append(name)
    order = np.random.default_rng(3).permutation(len(ids))
    table = pa.table({"id": [ids[i] for i in order], "tag": [labels[i] for i in order]})
    frame = load_frame(table, LabelSpec(long="tag", id="id", blank="negative"))
    # Items come in the order of their first record: put the reference in that order.
    by_id = dict(zip([f"r{i}" for i in range(len(table_rows))], table_rows, strict=True))
    assert_matches(frame.labels, frame.classes, [by_id[i] for i in frame.row_ids.tolist()])


@pytest.mark.parametrize("uncertain", ["positive", "negative"])
def test_wide_columns_with_uncertain_and_blank_cells(uncertain: str) -> None:
    rows = random_rows(600, seed=5)
    rng = np.random.default_rng(7)
    names = sorted(set().union(*rows))
    columns: dict[str, list[int | None]] = {}
    truth: list[set[str]] = [set(row) for row in rows]
    for name in names:
        cells_ = [1 if name in row else 0 for row in rows]
        for i in rng.choice(len(rows), size=3, replace=False):
            if cells_[i] == 0:
                cells_[i] = -1 if rng.random() < 0.5 else None  # type: ignore[call-overload]
                if cells_[i] == -1 and uncertain == "positive":
                    truth[i].add(name)
        columns[name] = cells_  # type: ignore[assignment]
    # The columns in another order than their names: the classes come out sorted.
    shuffled = dict(sorted(columns.items(), key=lambda item: item[0][::-1]))
    table = keyed(rows, {k: pa.array(v, pa.int64()) for k, v in shuffled.items()})
    spec = LabelSpec(label_cols=("glob:c*",), id="id", uncertain=uncertain, blank="negative")
    frame = load_frame(table, spec)
    assert_matches(frame.labels, frame.classes, truth)


def nih_rows(path: Path) -> list[set[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return [
            {name.strip() for name in row["Finding Labels"].split("|")} - {"No Finding"}
            for row in csv.DictReader(handle)
        ]


def test_nih_frame_is_the_csr_of_its_label_sets(nih_frame: LabelFrame, nih_path: Path) -> None:
    rows = nih_rows(nih_path)
    assert_matches(nih_frame.labels, nih_frame.classes, rows)
    index = {name: j for j, name in enumerate(nih_frame.classes)}
    positives = np.zeros(nih_frame.n_classes, dtype=np.int64)
    for row in rows:
        positives[[index[name] for name in row]] += 1
    assert nih_frame.positives.tolist() == positives.tolist()


def test_group_label_counts_are_sparse_and_count_rows(nih_frame: LabelFrame) -> None:
    counts = nih_frame.group_label_counts
    assert counts.format == "csr" and counts.shape == (nih_frame.n_groups, nih_frame.n_classes)
    dense = np.zeros(counts.shape, dtype=np.int64)
    rows, columns = np.nonzero(nih_frame.labels.toarray())
    np.add.at(dense, (nih_frame.groups[rows], columns), 1)
    assert np.array_equal(counts.toarray(), dense)
    assert nih_frame.positive_groups.tolist() == (dense > 0).sum(axis=0).tolist()
    for label in (0, 7, nih_frame.n_classes - 1):
        expected = np.flatnonzero(nih_frame.labels.toarray()[:, label])
        assert nih_frame.rows_of(label).tolist() == expected.tolist()


def test_a_dense_matrix_from_a_shape_becomes_the_same_csr() -> None:
    dense = np.array([[True, False, True], [False, False, False], [False, True, True]])
    parsed = as_parsed(Parsed(dense, ("a", "b", "c")))
    assert_matches(parsed.matrix.tocsr(), parsed.classes, [{"a", "c"}, set(), {"b", "c"}])
    assert isinstance(parsed.matrix, LabelRows) and as_parsed(parsed) is parsed


def test_from_cells_counts_a_repeated_cell_once() -> None:
    matrix = from_cells(np.array([2, 0, 2, 2]), np.array([1, 0, 1, 0]), (4, 2))
    assert matrix.toarray().tolist() == [
        [True, False],
        [False, False],
        [True, True],
        [False, False],
    ]
    assert matrix.tocsr().has_canonical_format
