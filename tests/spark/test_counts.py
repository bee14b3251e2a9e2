"""Spark counts every label shape into the same `GroupTable` as the in-memory engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from splitguard.core.errors import LabelValueError
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.spark import counts as counts_module
from splitguard.spark.counts import (
    BROADCAST_GROUPS,
    _group_counts,
    by_group,
    group_table,
    keyed_rows,
    pair_rows,
    row_labels,
)
from splitguard.spark.read import read_rows
from splitguard.split.counts import from_cells
from splitguard.split.engine import GroupTable


def spark_table(spark: Any, source: Any, spec: LabelSpec) -> GroupTable:
    labelled, classes = row_labels(keyed_rows(read_rows(source, spark), spec), spec)
    return group_table(labelled, classes)


def assert_same(found: GroupTable, expected: GroupTable) -> None:
    assert found.classes == expected.classes
    assert found.group_names.tolist() == expected.group_names.tolist()
    assert found.group_sizes.tolist() == expected.group_sizes.tolist()
    assert (found.counts.toarray() == expected.counts.toarray()).all()
    for name in ("classes", "indptr", "pair", "count"):
        assert (getattr(found.pairs, name) == getattr(expected.pairs, name)).all(), name
    assert found.labels_per_row.tolist() == expected.labels_per_row.tolist()


def small_table(rng: np.random.Generator, rows: int = 400) -> pa.Table:
    """Every key rule at once: numbers, missing spellings, NaN, two linked key columns."""
    classes = ["b", "a", "c d", "Zeta", "é"]
    picked = [
        list(rng.choice(classes, size=rng.integers(0, 4), replace=False)) for _ in range(rows)
    ]
    patient = [
        None if i % 37 == 0 else ("NA" if i % 41 == 0 else f"p{rng.integers(0, 60)}")
        for i in range(rows)
    ]
    study = [None if i % 5 else int(rng.integers(0, 30)) for i in range(rows)]
    return pa.table(
        {
            "id": [f"img{i}" for i in range(rows)],
            "patient": patient,
            "study": pa.array(study, pa.int64()),
            "text": ["|".join(p) if p else ("" if i % 2 else "none") for i, p in enumerate(picked)],
            "list": picked,
            **{c: [int(c in p) for p in picked] for c in classes},
        }
    )


@pytest.mark.parametrize(
    "spec",
    [
        LabelSpec(labels="text", sep="|", none=("none",), blank="negative", group=("patient",)),
        LabelSpec(labels="list", id="id", group=("patient", "study")),
        LabelSpec(label_cols=("b", "a", "c d", "Zeta", "é"), id="id"),
    ],
    ids=["delimited", "list-linked-keys", "wide-by-id"],
)
def test_every_shape_counts_as_in_memory(spark: Any, tmp_path: Path, spec: LabelSpec) -> None:
    table = small_table(np.random.default_rng(7))
    pq.write_table(table.slice(0, 150), tmp_path / "part-0.parquet")
    pq.write_table(table.slice(150), tmp_path / "part-1.parquet")
    found = spark_table(spark, tmp_path, spec)
    assert_same(found, GroupTable.of_frame(load_frame(table, spec)))


def test_a_spark_dataframe_counts_as_in_memory(spark: Any) -> None:
    # Neither group nor id: every row a group, named by its place in the partitions.
    table = small_table(np.random.default_rng(3), rows=120)
    spec = LabelSpec(labels="list")
    found = spark_table(spark, spark.createDataFrame(table).coalesce(1), spec)
    assert_same(found, GroupTable.of_frame(load_frame(table, spec)))


def test_counts_collected_in_slices_of_groups_are_the_whole_counts(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A few hundred bytes a collect: the cells and the pairs each come in several slices.
    monkeypatch.setattr(counts_module, "COLLECT_BYTES", 600)
    table = small_table(np.random.default_rng(5))
    spec = LabelSpec(labels="list", id="id", group=("patient",))
    found = spark_table(spark, spark.createDataFrame(table), spec)
    expected = GroupTable.of_frame(load_frame(table, spec))
    assert found.counts.nnz * 12 > 3 * 600 and found.pairs.pair.size * 12 > 600
    assert_same(found, expected)


def test_bad_label_cells_are_refused_as_in_memory(spark: Any, tmp_path: Path) -> None:
    table = pa.table({"id": ["1", "2", "3"], "a": ["1", "-1", ""], "b": ["0", "yes", "maybe"]})
    pq.write_table(table, tmp_path / "t.parquet")
    with pytest.raises(LabelValueError, match="column 'b' holds 'maybe', not a label value"):
        spark_table(spark, tmp_path, LabelSpec(label_cols=("b",), id="id"))
    with pytest.raises(LabelValueError, match="'a' holds -1, an uncertain label"):
        spark_table(spark, tmp_path, LabelSpec(label_cols=("a",), id="id"))
    with pytest.raises(LabelValueError, match="'a' is empty in 1 row"):
        spark_table(spark, tmp_path, LabelSpec(label_cols=("a",), id="id", uncertain="negative"))


def plan_of(frame: Any) -> str:
    return str(frame._jdf.queryExecution().executedPlan().toString())


def test_wide_labels_and_their_pairs_are_counted_without_lambdas(
    spark: Any, tmp_path: Path
) -> None:
    # Spark runs a lambda (F.filter, F.transform) interpreted, row by row: it made the
    # counting pass cost ~250 us a row on 50 wide columns.
    pq.write_table(small_table(np.random.default_rng(5)), tmp_path / "t.parquet")
    spec = LabelSpec(label_cols=("b", "a", "c d", "Zeta", "é"), id="id")
    labelled, _ = row_labels(keyed_rows(read_rows(tmp_path, spark), spec), spec)
    for frame in (labelled, pair_rows(labelled)):
        assert "lambdafunction" not in plan_of(frame)


def test_tables_of_one_row_per_group_are_broadcast_up_to_the_limit(spark: Any) -> None:
    groups = spark.createDataFrame([("g1", 0)], ["g", "split"])
    assert "Hint broadcast" in groups_hint(by_group(groups, BROADCAST_GROUPS))
    assert "Hint" not in groups_hint(by_group(groups, BROADCAST_GROUPS + 1))


def groups_hint(frame: Any) -> str:
    return str(frame._jdf.queryExecution().logical().toString())


def test_distinct_cells_in_any_order_make_the_counts_from_cells_makes() -> None:
    rng = np.random.default_rng(4)
    dense = rng.integers(0, 3, size=(300, 17)) * (rng.random((300, 17)) < 0.2)
    groups, classes = np.nonzero(dense)
    shuffled = rng.permutation(groups.size)
    g, c = groups[shuffled].astype(np.int32), classes[shuffled].astype(np.int32)
    values = dense[groups, classes][shuffled].astype(np.int32)
    made = _group_counts(g, c, values, dense.shape)
    expected = from_cells(groups, classes, dense[groups, classes], dense.shape)
    for field in ("indptr", "classes", "values"):
        assert np.array_equal(getattr(made, field), getattr(expected, field))
        assert getattr(made, field).dtype == getattr(expected, field).dtype
    assert np.array_equal(made.toarray(), dense)
