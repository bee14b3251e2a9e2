"""Many per-class findings of one rule and split read as one finding listing every class."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.lint.aggregated import NAME_WIDTH, SHOWN, TAIL_LIMIT, aggregate
from splitguard.lint.baseline import baseline_payload
from splitguard.lint.config import LintConfig
from splitguard.lint.engine import LintResult, lint
from splitguard.lint.findings import ClassCount, Finding, Location
from splitguard.lint.formats import render
from splitguard.rules.registry import registered_rules

RULES = registered_rules()
SCHEMA = Path(__file__).parent / "formats" / "sarif-schema-2.1.0.json"


def few(label: str, count: int, split: str = "test") -> Finding:
    """An SG302 finding as the rule makes it: `count` positives of `label` in `split`."""
    message = f"{label} has {count} positives in {split} (minimum 10)."
    return Finding(
        "SG302",
        "too-few-positives",
        "coverage",
        "warning",
        message,
        Location(split=split, label=label, n_rows=count),
        ClassCount(label, count, message),
    )


def tail(n: int, split: str = "test") -> list[Finding]:
    return [few(f"c{i:03d}", 1 + i % 9, split) for i in range(n)]


def test_up_to_the_limit_each_class_keeps_its_finding() -> None:
    findings = tail(TAIL_LIMIT)
    assert aggregate(findings, RULES) == findings


def test_past_the_limit_one_finding_lists_every_class_worst_first() -> None:
    findings = tail(TAIL_LIMIT + 1)
    (merged,) = aggregate(findings, RULES)
    assert merged.location == Location(split="test")
    assert [e.count for e in merged.classes] == sorted(1 + i % 9 for i in range(TAIL_LIMIT + 1))
    assert {e.label for e in merged.classes} == {f.location.label for f in findings}
    assert {e.message for e in merged.classes} == {f.message for f in findings}
    assert merged.message == (
        f"{TAIL_LIMIT + 1} classes have under 10 positives in test (fewest first): "
        "c000 (1), c009 (1), c018 (1), c001 (2) "
        f"and {TAIL_LIMIT + 1 - SHOWN} more."
    )


def test_each_rule_and_split_is_its_own_list() -> None:
    others = [Finding("SG201", "group-leak", "leakage", "error", "leak", Location(column="p"))]
    merged = aggregate([*tail(30, "test"), *tail(25, "val"), *tail(3, "train"), *others], RULES)
    assert sorted((f.location.split or "", len(f.classes)) for f in merged) == [
        ("", 0),
        ("test", 30),
        ("train", 0),
        ("train", 0),
        ("train", 0),
        ("val", 25),
    ]


def test_the_fingerprint_and_the_list_do_not_depend_on_the_order() -> None:
    findings = tail(40)
    shuffled = findings[:]
    random.Random(3).shuffle(shuffled)
    (one,), (two,) = aggregate(findings, RULES), aggregate(shuffled, RULES)
    assert one.fingerprint == two.fingerprint == "SG302|test|*|"
    assert one.classes == two.classes


def test_a_baseline_records_an_aggregated_finding_class_by_class() -> None:
    findings = tail(25)
    (merged,) = aggregate(findings, RULES)
    entries = baseline_payload([merged])["findings"]
    assert isinstance(entries, list)
    assert {e["fingerprint"] for e in entries} == {f.fingerprint for f in findings}
    assert {e["message"] for e in entries} == {f.message for f in findings}


def test_counts_all_zero_show_the_names_alone_and_long_names_are_cut() -> None:
    long = "x" * (NAME_WIDTH + 10)
    findings = [
        Finding(
            "SG107",
            "class-without-positives",
            "schema",
            "error",
            f"class {name!r} has no positive row.",
            Location(label=name),
            ClassCount(name, 0, f"class {name!r} has no positive row."),
        )
        for name in [long, *(f"c{i:02d}" for i in range(TAIL_LIMIT))]
    ]
    (merged,) = aggregate(findings, RULES)
    assert merged.message.startswith(f"{TAIL_LIMIT + 1} classes have no positive row: c00, c01,")
    assert merged.classes[-1].label == long
    assert long not in merged.message


def test_json_and_sarif_carry_every_class() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    (merged,) = aggregate(tail(30), RULES)
    result = LintResult((merged,), (RULES["SG302"],))
    payload = json.loads(render(result, "json"))
    listed = payload["findings"][0]["classes"]
    assert [e["label"] for e in listed] == [e.label for e in merged.classes]
    assert set(listed[0]) == {"label", "count", "message"}
    log = json.loads(render(result, "sarif"))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)
    entry = log["runs"][0]["results"][0]
    assert entry["properties"]["classes"] == listed
    assert entry["partialFingerprints"] == {"splitguard/v1": "SG302|test|*|"}


def test_a_per_class_finding_has_no_classes_key() -> None:
    assert "classes" not in few("Hernia", 4).as_dict()


SPEC = LabelSpec(labels="labels", sep="|", id="id", group=("patient",))


def rare_table(tmp_path: Path, n_rare: int) -> LabelFrame:
    """200 rows of class `common` and one row for each of `n_rare` rare classes."""
    rows = [f"a{i},p{i},common" for i in range(200)]
    rows += [f"b{i},q{i},rare{i:02d}" for i in range(n_rare)]
    path = tmp_path / f"t{n_rare}.csv"
    path.write_text("id,patient,labels\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return load_frame(path, SPEC, strict=False)


def test_a_per_class_ignore_leaves_its_class_out_of_the_list(tmp_path: Path) -> None:
    frame = rare_table(tmp_path, 30)
    result = lint(
        frame,
        LintConfig.of({"select": ("SG401",), "per-class-ignores": {"rare07": ["SG401"]}}),
    )
    (merged,) = result.findings
    assert len(merged.classes) == 29
    assert "rare07" not in {e.label for e in merged.classes}
    assert result.ignored == 1


def test_a_baseline_accepts_the_classes_it_listed_and_fails_a_new_one(tmp_path: Path) -> None:
    old = lint(rare_table(tmp_path, 30), LintConfig.of({"select": ("SG401",)}))
    assert len(old.findings) == 1
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(baseline_payload(old.findings)), encoding="utf-8")
    new = lint(
        rare_table(tmp_path, 32),
        LintConfig.of({"select": ("SG401",), "baseline": str(baseline)}),
    )
    assert len(new.accepted) == 30
    assert [f.location.label for f in new.findings] == ["rare30", "rare31"]


def test_a_rule_without_a_class_list_phrase_gets_a_plain_one() -> None:
    findings = [
        Finding(
            "XX101", "odd-class", "schema", "warning", "odd", Location(label=f"k{i:02d}", n_rows=i)
        )
        for i in range(TAIL_LIMIT + 1, 0, -1)
    ]
    (merged,) = aggregate(findings, RULES)
    assert merged.message == (
        f"odd-class on {TAIL_LIMIT + 1} classes (count: rows): k01 (1), k02 (2), k03 (3), "
        f"k04 (4) and {TAIL_LIMIT + 1 - SHOWN} more."
    )


@pytest.mark.parametrize("code", sorted(c for c, rule in RULES.items() if rule.class_list))
def test_each_aggregating_rule_documents_the_limit(code: str) -> None:
    assert f"More than {TAIL_LIMIT} " in " ".join(RULES[code].sections()["What it does"].split())
