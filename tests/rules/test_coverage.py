"""Coverage rules beyond their case files: how SG301 and SG107 share out a missing class."""

from __future__ import annotations

from pathlib import Path

from rules.cases import run_case

NEVER_SEEN = {
    "options": {"classes": ["Mass", "Hernia"]},
    "files": {
        "train": "id,patient,labels\na,p1,Mass\nb,p2,Mass\n",
        "test": "id,patient,labels\nc,p3,Mass\n",
    },
}


def test_a_class_absent_from_every_split_is_sg107s_not_sg301s(tmp_path: Path) -> None:
    findings = run_case("SG301", NEVER_SEEN, tmp_path, select=("SG107", "SG301"))
    assert [(f.code, f.location.label) for f in findings] == [("SG107", "Hernia")]


def test_sg301_still_names_a_class_absent_from_one_split(tmp_path: Path) -> None:
    seen_in_train = {
        **NEVER_SEEN,
        "files": {**NEVER_SEEN["files"], "train": "id,patient,labels\na,p1,Mass|Hernia\n"},
    }
    findings = run_case("SG301", seen_in_train, tmp_path, select=("SG107", "SG301"))
    assert [(f.code, f.location.split, f.location.label) for f in findings] == [
        ("SG301", "test", "Hernia")
    ]
