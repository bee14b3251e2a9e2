"""A tagging table of 1,000 classes through `check` and `split`: a few findings, every class.

The table is the shape of issue 11's benchmark, seeded: N rows, patients of 4 rows on
average (N/4 patients drawn at random), 1,000 classes of Zipf(1.1) popularity, each row
carrying Poisson(2)+1 labels (drawn with repeats, so sometimes fewer), and for `check`
a `split` column giving each patient train, val or test (80/10/10) at random.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from splitguard.lint.aggregated import TAIL_LIMIT

ARGS = ("--labels", "labels", "--sep", "|", "--id", "id", "--group", "patient")
N_CLASSES = 1_000


def tagging_table(
    path: Path, n_rows: int, *, splits: bool, n_classes: int = N_CLASSES, seed: int = 0
) -> Path:
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, n_classes + 1) ** 1.1
    popularity /= popularity.sum()
    names = [f"tag{i:04d}" for i in rng.permutation(n_classes)]
    patients = rng.integers(0, n_rows // 4, n_rows)
    split_of_patient = rng.choice(["train", "val", "test"], size=n_rows // 4, p=[0.8, 0.1, 0.1])
    per_row = rng.poisson(2, n_rows) + 1
    drawn = np.split(rng.choice(n_classes, size=int(per_row.sum()), p=popularity), per_row.cumsum())
    lines = ["id,patient,split,labels" if splits else "id,patient,labels"]
    for row in range(n_rows):
        split = f"{split_of_patient[patients[row]]}," if splits else ""
        labels = "|".join(names[i] for i in np.unique(drawn[row]))
        lines.append(f"r{row},p{patients[row]},{split}{labels}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tagging_table(tmp_path_factory.mktemp("tags") / "tags.csv", 20_000, splits=True)


def per_class(findings: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
    """(code, split, class, message) of every per-class finding, aggregated ones expanded."""
    found = set()
    for f in findings:
        split = f["location"]["split"] or ""
        entries = f.get("classes") or [{"label": f["location"]["label"], "message": f["message"]}]
        found |= {(f["code"], split, str(e["label"]), e["message"]) for e in entries}
    return found


def test_check_reports_the_long_tail_in_a_few_findings_and_json_lists_every_class(
    run: Callable[..., Any], table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = run("check", table, *ARGS, "--split-col", "split", "--format", "json")
    findings = json.loads(checked.out)["findings"]
    assert len(findings) <= 40
    aggregated = [f for f in findings if "classes" in f]
    assert {f["code"] for f in aggregated} >= {"SG301", "SG302", "SG303", "SG401"}
    for finding in aggregated:
        assert finding["location"]["label"] is None
        assert len(finding["classes"]) > TAIL_LIMIT
        assert finding["message"].startswith(f"{len(finding['classes']):,} classes ")

    monkeypatch.setattr("splitguard.lint.aggregated.TAIL_LIMIT", 10**9)
    one_by_one = run("check", table, *ARGS, "--split-col", "split", "--format", "json")
    every = json.loads(one_by_one.out)["findings"]
    assert len(every) > 1_000
    assert per_class(findings) == per_class(every)
    # The coverage rules locate the positive rows of a finding shown alone; merged, a
    # class keeps their count (the rows are not located), the same rows counted.
    one_each = {(f["code"], f["location"]["split"], f["location"]["label"]): f for f in every}
    merged = [f for f in aggregated if f["code"] in ("SG302", "SG303")]
    assert merged
    for finding in merged:
        for entry in finding["classes"]:
            alone = one_each[finding["code"], finding["location"]["split"], entry["label"]]
            assert alone["location"]["row_ids"]
            counted = "n_rows" if finding["code"] == "SG302" else "n_groups"
            assert entry["count"] == alone["location"][counted]
    assert checked.code == one_by_one.code == 1


def test_check_text_stays_short_and_narrow(run: Callable[..., Any], table: Path) -> None:
    checked = run("check", table, *ARGS, "--split-col", "split")
    lines = checked.out.splitlines()
    # 29 findings of a few wrapped lines each (5,107 findings, 10,217 lines before).
    assert len(lines) <= 160
    assert max(map(len, lines)) <= 80
    assert "--format json lists all" in checked.out


@pytest.mark.parametrize("n_rows", [2_000, pytest.param(20_000, marks=pytest.mark.slow)])
def test_split_prints_and_reports_the_tail_aggregated(
    run: Callable[..., Any], tmp_path: Path, n_rows: int
) -> None:
    source = tagging_table(tmp_path / "tags.csv", n_rows, splits=False)
    done = run("split", source, *ARGS, "--out", tmp_path / "out")
    lines = (done.out + done.err).splitlines()
    assert len(lines) <= 160
    assert max(map(len, lines)) <= 80
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    after = report["findings_after"]
    assert len(after) <= 40
    aggregated = [f for f in after if "classes" in f]
    assert aggregated
    for finding in aggregated:
        assert finding["message"].startswith(f"{len(finding['classes']):,} classes ")
