"""Lint from counts and a row sample gives the in-memory check's findings (NIH splits).

The counts are computed here with pandas group-bys over the raw label cells, as an
engine would compute them, never through `Aggregates`; the sample is a seeded set of
whole patients read through the loader.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from splitguard.core.aggregate import Aggregates
from splitguard.core.counts import TableCounts
from splitguard.core.example import NIH_SPEC
from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.lint.config import LintConfig
from splitguard.lint.engine import lint
from splitguard.lint.formats import render
from splitguard.lint.sampled import Sample, SampledTable, sample_frame
from splitguard.rules.registry import registered_rules

SPLITS = ("train", "val", "test")
PROTOCOL = (
    "split_names",
    "classes",
    "n_splits",
    "n_rows",
    "n_groups",
    "rows_by_split",
    "positives_by_split",
    "positive_groups_by_split",
    "positives",
    "positive_groups",
    "group_square_sums",
)


def nih_splits(nih_frame: LabelFrame, *, leaky: bool) -> dict[str, pa.Table]:
    """NIH in train/val/test 80/10/10: by patient, or (leaky) by image."""
    table = nih_frame.table
    key = (
        np.arange(table.num_rows)
        if leaky
        else np.asarray(table.column("Patient ID")).astype(np.int64)
    )
    bucket = (key * 7919) % 10
    split = np.where(bucket < 8, 0, np.where(bucket == 8, 1, 2))
    return {name: table.filter(pa.array(split == i)) for i, name in enumerate(SPLITS)}


def counted(splits: dict[str, pa.Table], classes: tuple[str, ...]) -> TableCounts:
    """The counts an engine would give, from pandas group-bys over the raw cells."""
    frames = []
    for name, table in splits.items():
        part = table.select(["Image Index", "Patient ID", "Finding Labels"]).to_pandas()
        frames.append(part.assign(split=name))
    rows = pd.concat(frames, ignore_index=True)
    rows["group"] = rows["Patient ID"].astype(str)
    cells = rows.assign(label=rows["Finding Labels"].str.split("|")).explode("label")
    cells = cells[cells["label"] != "No Finding"]
    by_split_class = cells.groupby(["split", "label"]).agg(
        positives=("Image Index", "size"), groups=("group", "nunique")
    )
    per_group = cells.groupby(["label", "group"]).size()
    by_class = pd.DataFrame(
        {
            "groups": per_group.groupby(level="label").size(),
            "squares": (per_group**2).groupby(level="label").sum(),
        }
    )
    group_rows = rows.groupby(["group", "split"]).agg(
        n=("Image Index", "size"), first=("Image Index", "first")
    )
    n_splits = group_rows.groupby(level="group").size()
    leaked = group_rows[n_splits.reindex(group_rows.index.get_level_values("group")).values > 1]
    return TableCounts.of_records(
        SPLITS,
        classes,
        rows=rows.groupby("split").size().items(),
        split_classes=(
            (s, c, int(r.positives), int(r.groups)) for (s, c), r in by_split_class.iterrows()
        ),
        class_groups=((c, int(r.groups), int(r.squares)) for c, r in by_class.iterrows()),
        leaked=((g, s, int(r.n), r["first"]) for (g, s), r in leaked.iterrows()),
        n_groups=rows["group"].nunique(),
    )


@pytest.fixture(scope="module", params=[False, True], ids=["by-patient", "leaky"])
def nih(request: pytest.FixtureRequest, nih_frame: LabelFrame) -> dict[str, Any]:
    splits = nih_splits(nih_frame, leaky=request.param)
    frame = load_frame(splits, NIH_SPEC, strict=False)
    return {"splits": splits, "frame": frame, "counts": counted(splits, frame.classes)}


def test_counts_equal_the_frames_aggregates(nih: dict[str, Any]) -> None:
    aggregates, counts = Aggregates.of(nih["frame"]), nih["counts"]
    for name in PROTOCOL:
        assert np.array_equal(getattr(counts, name), getattr(aggregates, name)), name
    mine, theirs = counts.leaked_groups, aggregates.leaked_groups
    assert list(mine.names) == list(theirs.names)
    assert np.array_equal(mine.rows_by_split, theirs.rows_by_split)


def sampled(nih: dict[str, Any], every: int) -> SampledTable:
    """The counts, and the patients whose id is a multiple of `every` as the sample."""
    parts = []
    for name, table in nih["splits"].items():
        chosen = pa.array(np.asarray(table.column("Patient ID")).astype(np.int64) % every == 0)
        parts.append((name, f"{name}.parquet", table.filter(chosen)))
    frame = sample_frame(parts, NIH_SPEC)
    counts = nih["counts"]
    sample = Sample(frame.n_rows, frame.n_groups, counts.n_rows, counts.n_groups, seed=0)
    return SampledTable(counts, frame, sample)


def shown(finding: Any) -> tuple[Any, ...]:
    """What the two runs must agree on (the counts name no row: the frame's samples aside)."""
    where = finding.location
    named = where.groups if finding.code == "SG201" else ()
    return (
        finding.code,
        finding.message,
        where.split,
        where.label,
        where.n_rows,
        where.n_groups,
        named,
    )


@pytest.mark.parametrize(
    "options",
    [{}, {"min-positives": {"test": 300}, "fractions": {"train": 0.7, "val": 0.1, "test": 0.2}}],
    ids=["defaults", "minimums"],
)
def test_counts_and_a_sample_give_the_in_memory_findings(
    nih: dict[str, Any], options: dict[str, Any]
) -> None:
    config = LintConfig(options=options)
    whole = lint(nih["frame"], config)
    table = sampled(nih, every=3)
    result = lint(table, config)
    counted_codes = {code for code, rule in registered_rules().items() if rule.reads == "counts"}
    assert counted_codes >= {"SG201", "SG301", "SG302", "SG303", "SG304", "SG306", "SG401"}
    expected = [shown(f) for f in whole.findings if f.code in counted_codes]
    assert [shown(f) for f in result.findings if f.code in counted_codes] == expected
    assert expected  # the comparison is not empty
    if "min-positives" in options:
        assert any(f.code == "SG306" for f in whole.findings)
    leaks = [f for f in result.findings if f.code == "SG201"]
    if leaks:
        where = leaks[0].location
        memory = next(f for f in whole.findings if f.code == "SG201").location
        assert (where.file, where.n_rows) == ("val.parquet", memory.n_rows)
        assert len(where.row_ids) == 10  # the first row in val of each of the first groups


def test_the_sample_is_said(nih: dict[str, Any]) -> None:
    table = sampled(nih, every=3)
    result = lint(table, LintConfig())
    sample = result.summary()["sample"]
    assert sample["rows"] == table.frame.n_rows < sample["of_rows"] == 112_120
    assert sample["rules"] == [rule.code for rule in result.sampled_rules]
    assert "SG102" in sample["rules"] and "SG201" not in sample["rules"]
    assert table.sample.describe() == (
        f"a sample of {table.frame.n_rows:,} of 112,120 rows "
        f"({table.frame.n_groups:,} of 30,805 groups, seed 0)"
    )
    text = " ".join(render(result, "text").split())
    codes = ", ".join(sample["rules"])
    assert f"{codes} ran on {table.sample.describe()}; the other rules on every row." in text
    assert "sample" not in lint(nih["frame"], LintConfig()).summary()


def test_a_leak_without_row_ids_names_its_groups_only() -> None:
    counts = TableCounts.of_records(
        SPLITS,
        ("a",),
        rows=[("train", 3), ("test", 2)],
        split_classes=[("train", "a", 1, 1), ("test", "a", 1, 1)],
        class_groups=[("a", 1, 4)],
        leaked=[("p1", "train", 1, None), ("p1", "test", 1, None)],
        n_groups=3,
    )
    assert counts.leaked_groups.first_rows.shape == (0, 3)
    assert counts.n_rows == 5 and counts.positives.tolist() == [2]
    table = pa.table({"y": ["a", "", "", "a", ""], "g": ["p1", "p2", "p2", "p1", "p3"]})
    spec = LabelSpec(labels="y", group=("g",))
    parts = [("train", "t.csv", table.slice(0, 3)), ("test", "s.csv", table.slice(3))]
    frame = sample_frame(parts, spec)
    result = lint(SampledTable(counts, frame, Sample(5, 3, 5, 3, 0)), LintConfig(select=("SG201",)))
    (leak,) = result.findings
    assert leak.message.startswith("1 group (by 'g') in more than one split (train & test 1)")
    where = leak.location
    assert (where.groups, where.row_ids, where.n_rows, where.file) == (("p1",), (), 1, "s.csv")
