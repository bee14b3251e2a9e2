"""Sections on the request, the headline result and the manifest."""

from __future__ import annotations

import json
from typing import Any

from splitguard.core.wording import counted
from splitguard.report.document import Code, Facts, Section, Table, Text
from splitguard.report.fmt import count, number

QUALITY_NAMES = (
    ("LD", "Label distribution (LD): class shares vs requested fractions"),
    ("LPD", "Label-pair distribution (LPD)"),
    ("ED", "Examples distribution (ED): split sizes vs requested"),
    ("worst_relative_deviation", "Worst relative deviation of a class share"),
    ("leaked_groups", "Groups in more than one split"),
)


def _mapping(value: Any) -> str:
    if not value:
        return "-"
    if isinstance(value, dict):
        return ", ".join(
            f"{key}={item if isinstance(item, str) else number(item, 4)}"
            for key, item in value.items()
        )
    return str(value)


def request_section(report: dict[str, Any]) -> Section:
    request = report.get("request") or {}
    source = report.get("input") or {}
    items = [
        ("Input", f"{count(source.get('rows'))} rows, {count(source.get('groups'))} groups, "
         f"{len(source.get('classes') or [])} classes"),
    ]  # fmt: skip
    if request.get("folds"):
        items.append(("Folds", str(request["folds"])))
    else:
        items.append(("Fractions", _mapping(request.get("fractions"))))
    items += [
        ("Minimum positives", _mapping(request.get("min_positives"))),
        ("Minimum positive groups", _mapping(request.get("min_positive_groups"))),
        ("Minimum prevalence", _mapping(request.get("min_prevalence"))),
        ("Minimums apply to", ", ".join(request.get("min_classes") or ["all"])),
    ]
    if request.get("train_floor") is not None:
        items.append(
            (
                "Train floor",
                f"{request.get('train_split') or 'each fold complement'} keeps at least "
                f"{request['train_floor']:.0%} of every class's positive rows",
            )
        )
    items += [
        ("Seed", str(request.get("seed", "-"))),
        ("Kept split", str(request.get("keep") or "-")),
    ]
    keep = report.get("keep")
    if keep:
        items.append(("Groups kept in place", count(keep.get("kept_groups"))))
        items.append(("New groups placed", _mapping(keep.get("new_groups"))))
    return Section("request", "The request", (Facts(tuple(items)),))


def coverage_sentence(
    coverage: list[dict[str, Any]],
    shortfalls: list[dict[str, Any]] | None = None,
    floor: dict[str, Any] | None = None,
) -> str:
    """What the coverage numbers say, in a few sentences computed from them."""
    classes = list(dict.fromkeys(e["class"] for e in coverage))
    splits = list(dict.fromkeys(e["split"] for e in coverage))
    absent = [e for e in coverage if e["positives"] == 0]
    if not absent:
        who = f"All {len(classes):,} classes have" if len(classes) > 1 else "The class has"
        parts = [f"{who} positives in all {len(splits)} splits."]
    else:
        listed = _listed(f"{e['class']} in {e['split']}" for e in absent)
        verb = "has" if len(absent) == 1 else "have"
        parts = [f"{counted(len(absent), 'class-split pair')} of {len(coverage):,} {verb} no "
                 f"positive row: {listed}."]  # fmt: skip
    asked = [e for e in coverage if (e.get("minimum") or 0) > 0 or (e.get("minimum_groups") or 0)]
    if shortfalls is None:
        shortfalls = [e for e in coverage if e["positives"] < (e.get("minimum") or 0)]
        shortfalls = [{**e, "kind": "min-positives", "target": e["minimum"],
                       "achieved": e["positives"]} for e in shortfalls]  # fmt: skip
    if shortfalls:
        listed = _listed(
            f"{s['class']} in {s['split']} ({s['kind']} {number(s['achieved'], 3)} reached of "
            f"{number(s['target'], 3)})"
            for s in shortfalls
        )
        parts.append(f"{counted(len(shortfalls), 'minimum')} asked not met: {listed}.")
    elif asked:
        closest = min(asked, key=lambda e: e["positives"] - (e.get("minimum") or 0))
        parts.append(
            f"Every minimum asked is met ({counted(len(asked), 'class-split pair')}; the "
            f"closest: {closest['class']} in {closest['split']}, {closest['positives']:,} "
            f"positive rows for {closest.get('minimum') or 0:,} asked)."
        )
    else:
        parts.append("No minimum was asked.")
    if floor:
        parts.append(
            f"The train floor keeps at least {floor['train_floor']:.0%} of every class's "
            f"positive rows in {floor['train_split']}; the lowest it holds is "
            f"{floor['lowest_share']:.1%}, of {floor['lowest_class']}."
        )
    return " ".join(parts)


def _listed(items: Any, most: int = 5) -> str:
    items = list(items)
    more = f" and {len(items) - most:,} more" if len(items) > most else ""
    return ", ".join(items[:most]) + more


def headline_section(report: dict[str, Any], leaked_groups: int) -> Section:
    coverage = report.get("coverage") or []
    shortfalls = report.get("shortfalls") or []
    short = [e for e in coverage if e["positives"] < (e.get("minimum") or 0) or e["positives"] == 0]
    after = report.get("findings_after") or []
    errors = [f for f in after if f.get("severity") == "error"]
    pairs = counted(len(shortfalls) or len(short), "class-split pair")
    items = [
        ("Leakage", "none" if not leaked_groups else f"{counted(leaked_groups, 'group')} leak"),
        (
            "Coverage",
            "every class covered in every split"
            if not short and not shortfalls
            else f"{pairs} short of the minimum",
        ),
        ("Findings after",
         "none" if not after else f"{len(after)} ({counted(len(errors), 'error')})"),
    ]  # fmt: skip
    status = ["ok" if leaked_groups == 0 else "bad", "ok" if not (short or shortfalls) else "bad"]
    status.append("ok" if not after else ("bad" if errors else ""))
    quality = report.get("quality") or {}
    for key, label in QUALITY_NAMES:
        if key in quality:
            items.append((label, number(quality[key], 3)))
            status.append("")
    blocks: list[Any] = [Facts(tuple(items), tuple(status))]
    if shortfalls:
        blocks.append(
            Table(
                columns=("class", "split", "kind", "target", "achieved"),
                numeric=(False, False, False, True, True),
                rows=tuple(
                    (
                        str(s.get("class")),
                        str(s.get("split")),
                        str(s.get("kind")),
                        number(s.get("target")),
                        number(s.get("achieved")),
                    )
                    for s in shortfalls
                ),
                status=tuple("bad" for _ in shortfalls),
                caption="Requests that could not be met",
            )
        )
    if quality:
        blocks.append(Text("Quality figures: lower is better, 0 is a perfect stratification."))
    return Section("result", "Result", tuple(blocks))


def manifest_section(manifest: dict[str, Any]) -> Section:
    blocks: list[Any] = [
        Facts(
            (
                ("splitguard version", str(manifest.get("splitguard_version", "-"))),
                ("Seed", str(manifest.get("seed", "-"))),
            )
        )
    ]
    for key, caption in (("inputs", "Inputs"), ("outputs", "Outputs")):
        files = manifest.get(key) or []
        if files:
            blocks.append(
                Table(
                    columns=("path", "sha256"),
                    rows=tuple((str(f.get("path", "")), str(f.get("sha256", ""))) for f in files),
                    caption=caption,
                )
            )
    if manifest.get("options"):
        options = json.dumps(manifest["options"], indent=2, sort_keys=True, default=str)
        blocks.append(Code("json", options, "Options"))
    return Section("manifest", "Manifest", tuple(blocks))
