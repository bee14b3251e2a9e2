"""Sections on the request, the headline result and the manifest."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from splitguard.core.shortfalls import train_index
from splitguard.core.wording import counted
from splitguard.report.document import Code, Facts, Section, Table, Text
from splitguard.report.fmt import count, number
from splitguard.report.model import CoverageEntry, RunReport, Shortfall, SplitAsked, TrainFloor

SHORTFALLS_SHOWN = 100
# Items a sentence names before "and N more".
LISTED = 5


def _mapping(value: Any) -> str:
    if not value:
        return "-"
    if isinstance(value, Mapping):
        return ", ".join(
            f"{key}={item if isinstance(item, str) else number(item, 4)}"
            for key, item in value.items()
        )
    return str(value)


def request_section(report: RunReport) -> Section:
    request, source = report.request, report.input
    # Folds and a kept split are `split`'s; `fix` keeps the train floor in the split that
    # `split` would (named train, else the first).
    split = request if isinstance(request, SplitAsked) else None
    if split:
        train_split = split.train_split
    else:
        train = train_index([entry.name for entry in report.splits])
        train_split = None if train is None else report.splits[train].name
    kept_split = split.keep if split else None
    items = [
        ("Input", f"{count(source.rows)} rows, {count(source.groups)} groups, "
         f"{count(len(source.classes))} classes"),
    ]  # fmt: skip
    if split is not None and split.folds:
        items.append(("Folds", str(split.folds)))
    else:
        items.append(("Fractions", _mapping(request.fractions)))
    minimums = request.minimums
    items += [
        ("Minimum positives", _mapping(minimums.positives)),
        ("Minimum positive groups", _mapping(minimums.positive_groups)),
        ("Minimum prevalence", _mapping(minimums.prevalence)),
        ("Minimums apply to", ", ".join(minimums.classes or ["all"])),
        (
            "Train floor",
            f"{train_split or 'each fold complement'} keeps at least "
            f"{minimums.train_floor:.0%} of every class's positive rows",
        ),
        ("Seed", str(request.seed)),
        ("Kept split", str(kept_split or "-")),
    ]
    if report.kept:
        items.append(("Groups kept in place", count(report.kept.kept_groups)))
        items.append(("New groups placed", _mapping(report.kept.new_groups)))
    return Section("request", "The request", (Facts(tuple(items)),))


def coverage_sentence(
    coverage: Sequence[CoverageEntry],
    shortfalls: Sequence[Shortfall] | None = None,
    floor: TrainFloor | None = None,
) -> str:
    """What the coverage numbers say, in a few sentences computed from them.

    `shortfalls` None: the entries below their minimum, measured in positive rows.
    """
    classes = list(dict.fromkeys(e.label for e in coverage))
    splits = list(dict.fromkeys(e.split for e in coverage))
    absent = [e for e in coverage if e.positives == 0]
    if not absent:
        who = f"All {len(classes):,} classes have" if len(classes) > 1 else "The class has"
        parts = [f"{who} positives in all {len(splits)} splits."]
    else:
        totals: dict[str, int] = {}
        for entry in coverage:
            totals[entry.label] = totals.get(entry.label, 0) + entry.positives
        # The commonest classes first: their absence is the surprise (stable: ties in order).
        ranked = sorted(absent, key=lambda e: -totals[e.label])
        listed = _listed(f"{e.label} in {e.split}" for e in ranked)
        verb = "has" if len(absent) == 1 else "have"
        order = " (the commonest classes first)" if len(absent) > LISTED else ""
        parts = [f"{counted(len(absent), 'class-split pair')} of {len(coverage):,} {verb} no "
                 f"positive row{order}: {listed}."]  # fmt: skip
    asked = [e for e in coverage if e.minimum > 0 or e.minimum_groups]
    # (class, split, kind, achieved, target) of each minimum not met.
    unmet = (
        [(e.label, e.split, "min-positives", e.positives, e.minimum)
         for e in coverage if e.positives < e.minimum]
        if shortfalls is None
        else [(s.label, s.split, s.kind, s.achieved, s.target) for s in shortfalls]
    )  # fmt: skip
    if unmet:
        listed = _listed(
            f"{label} in {split} ({kind} {number(achieved, 3)} reached of {number(target, 3)})"
            for label, split, kind, achieved, target in unmet
        )
        parts.append(f"{counted(len(unmet), 'minimum')} asked not met: {listed}.")
    elif asked:
        closest = min(asked, key=lambda e: e.positives - e.minimum)
        parts.append(
            f"Every minimum asked is met ({counted(len(asked), 'class-split pair')}; the "
            f"closest: {closest.label} in {closest.split}, {closest.positives:,} "
            f"positive rows for {closest.minimum:,} asked)."
        )
    else:
        parts.append("No minimum was asked.")
    if floor:
        parts.append(
            f"The train floor keeps at least {floor.train_floor:.0%} of every class's "
            f"positive rows in {floor.train_split}; the lowest it holds is "
            f"{floor.lowest_share:.1%}, of {floor.lowest_class}."
        )
    return " ".join(parts)


def _listed(items: Any, most: int = LISTED) -> str:
    items = list(items)
    more = f" and {len(items) - most:,} more" if len(items) > most else ""
    return ", ".join(items[:most]) + more


def headline_section(report: RunReport, leaked_groups: int) -> Section:
    coverage, shortfalls = report.coverage, report.shortfalls
    short = [e for e in coverage if e.positives < e.minimum or e.positives == 0]
    after = report.findings_after
    errors = [f for f in after if f.severity == "error"]
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
    quality = report.quality
    for label, value in (
        ("Label distribution (LD): class shares vs requested fractions",
         quality.label_distribution),
        ("Label-pair distribution (LPD)", quality.label_pair_distribution),
        ("Examples distribution (ED): split sizes vs requested", quality.example_distribution),
        ("Worst relative deviation of a class share", quality.worst_relative_deviation),
        ("Groups in more than one split", quality.leaked_groups),
    ):  # fmt: skip
        items.append((label, number(value, 3)))
        status.append("")
    blocks: list[Any] = [Facts(tuple(items), tuple(status))]
    if shortfalls:
        # Thousands of classes can fall short; report.json has every one.
        shown = shortfalls[:SHORTFALLS_SHOWN]
        blocks.append(
            Table(
                columns=("class", "split", "kind", "target", "achieved"),
                numeric=(False, False, False, True, True),
                rows=tuple(
                    (s.label, s.split, s.kind, number(s.target), number(s.achieved)) for s in shown
                ),
                status=tuple("bad" for _ in shown),
                caption="Requests that could not be met",
                omitted=len(shortfalls) - len(shown),
            )
        )
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
