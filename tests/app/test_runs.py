"""What the split and fix runs share: the manifest's record of the options, the checks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

import splitguard
from splitguard.app.runs import check_options
from splitguard.core.shortfalls import MinimumSpec
from splitguard.split.fixer import FixRequest

SPEC = {"labels": "labels", "sep": "|", "group": "patient"}


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "labels": [("A|B", "A", "B", "C")[i % 4] for i in range(80)],
            "patient": [i // 2 for i in range(80)],
        }
    )


def test_the_manifest_records_the_options_given_not_the_defaults(tmp_path: Path) -> None:
    result = splitguard.split(table(), **SPEC, train_floor=0.0, min_classes="all", seed=4)
    result.write(tmp_path / "out")
    options = json.loads((tmp_path / "out" / "manifest.json").read_text())["options"]
    assert options == {
        "out": str(tmp_path / "out"),
        "train-floor": 0.0,  # 0 is not "not given"
        "seed": 4,
        "fail-on": "error",
        "labels": "labels",
        "sep": "|",
        "group": ["patient"],
    }


def test_the_checks_measure_the_run_minimums_and_fractions() -> None:
    minimums = MinimumSpec({"test": 5}, {}, {}, ("rare",), 0.02, 0.3)
    request = FixRequest(
        fractions={"train": 0.5, "test": 0.5}, minimums=minimums, fail_on="warning", hide_ids=True
    )
    options = check_options(request)
    assert options["min-positives"] == {"test": 5}
    assert options["min-classes"] == ("rare",)
    assert options["imbalance-threshold"] == 0.02
    assert options["train-floor"] == 0.3
    assert options["fractions"] == {"train": 0.5, "test": 0.5}
    assert options["fail-on"] == "warning"
    assert options["hide-ids"] is True


def test_a_second_split_keeps_the_groups_of_the_first(tmp_path: Path) -> None:
    first = splitguard.split(table(), **SPEC, seed=1)
    first.write(tmp_path / "first")
    again = splitguard.split(table(), **SPEC, seed=2, keep=tmp_path / "first")
    assert list(again.table["split"]) == list(first.table["split"])
    assert again.report["keep"]["kept_groups"] == first.frame.n_groups
