"""Names with control characters print safely in every format.

Class names and group keys are data: a newline, an ANSI escape, a bidi override or
rich markup in one must not forge a GitHub workflow command, recolour a terminal, make
JUnit XML ill-formed or break a Markdown table.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from splitguard.core.printable import printable

FORGE = "x\n::error file=y::z"
NAMES = (
    FORGE,
    "\x1b[31mred\x1b[0m",
    "abc\u202edcba",
    "[bold]markup[/bold]",
    "c1\x85\x9bnext",
    "cr\rtab\tbell\x07",
)
# What must never reach an output raw: C0/C1 controls but the layout's own newline.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LABELS = ("--labels", "lab", "--sep", "|", "--id", "id", "--group", "pat")


@pytest.fixture
def table(tmp_path: Path) -> Path:
    """400 rows; each hostile name a rare class; one patient, in every split, a forged key.

    (Split names are identifiers: a hostile one is refused, see test_output_safety.)
    """
    path = tmp_path / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "lab", "pat", "part"])
        for i in range(400):
            labels = ["ab"[i % 2]]
            if i < 2 * len(NAMES):
                labels.append(NAMES[i // 2])
            patient = FORGE if i % 50 == 0 else f"p{i % 150}"
            writer.writerow([i, "|".join(labels), patient, ("train", "val", "test")[i % 3]])
    return path


def _check(run: Callable[..., Any], table: Path, fmt: str) -> str:
    result = run("check", table, *LABELS, "--split-col", "part", "--format", fmt)
    assert result.code == 1, result
    out: str = result.out
    return out


def _findings(run: Callable[..., Any], table: Path) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads(_check(run, table, "json"))["findings"]
    return findings


def test_printable_escapes_controls_and_keeps_the_rest() -> None:
    assert printable(FORGE) == "x\\n::error file=y::z"
    assert (
        printable("\x1b[0m\x00\x85\u202e\u2066\ufffe") == "\\x1b[0m\\x00\\x85\\u202e\\u2066\\ufffe"
    )
    assert printable("Épanchement | 胸水 ✓ [a]") == "Épanchement | 胸水 ✓ [a]"


def test_json_and_sarif_keep_the_names_exactly(run: Callable[..., Any], table: Path) -> None:
    findings = _findings(run, table)
    assert {f["location"]["label"] for f in findings} >= set(NAMES)
    assert FORGE in {g for f in findings for g in f["location"]["groups"]}
    sarif = json.loads(_check(run, table, "sarif"))
    results = sarif["runs"][0]["results"]
    assert len(results) == len(findings)
    assert {r["properties"]["label"] for r in results} >= set(NAMES)


def test_github_prints_one_command_per_finding(run: Callable[..., Any], table: Path) -> None:
    findings = _findings(run, table)
    lines = _check(run, table, "github").splitlines()
    assert len(lines) == len(findings)
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(findings)
    for line, finding in zip(lines, findings, strict=True):
        command = re.fullmatch(r"::(error|warning|notice) ([^:]*)::(.*)", line)
        assert command, line
        assert command.group(1) == {"error": "error", "warning": "warning"}.get(
            finding["severity"], "notice"
        )
        assert not RAW.search(line), line
    forged = [line for line in lines if "x\\n::error file=y::z" in line]
    assert forged and all(not line.startswith("::error file=y") for line in lines)


def test_junit_is_well_formed_xml(run: Callable[..., Any], table: Path) -> None:
    findings = _findings(run, table)
    root = ET.fromstring(_check(run, table, "junit").encode("utf-8"))
    text = "\n".join(failure.text or "" for failure in root.iter("failure"))
    assert len(text.splitlines()) == len(findings)
    assert "x\\n::error file=y::z" in text and "\\x1b[31mred" in text
    assert not RAW.search(text)


def test_text_prints_names_escaped_on_one_line(run: Callable[..., Any], table: Path) -> None:
    out = _check(run, table, "text")
    assert not RAW.search(out)
    assert "x\\n::error file=y::z" in out and "\\x1b[31mred\\x1b[0m" in out
    assert "[bold]markup[/bold]" in out and "abc\\u202edcba" in out
    assert not any(line.startswith("::error") for line in out.splitlines())


def test_stats_table_escapes_names(run: Callable[..., Any], table: Path) -> None:
    result = run("stats", table, *LABELS)
    assert result.code == 0, result
    assert not RAW.search(result.out)
    # Markup in a name shows as text (the narrow class column may cut it: "[bold…").
    assert "[bold" in result.out


# A raw control in a chart label makes matplotlib warn "Glyph 27 missing" on stderr.
@pytest.mark.filterwarnings("error::UserWarning")
def test_split_output_and_reports_escape_names(
    run: Callable[..., Any], table: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run("split", table, *LABELS, "--out", out)
    assert result.code in (0, 1), result
    assert not RAW.search(result.out) and "x\\n::error file=y::z" in result.out
    page = (out / "report.html").read_text(encoding="utf-8")
    assert not RAW.search(page) and "x\\n::error file=y::z" in page
    ET.fromstring(re.search(r"<svg.*?</svg>", page, re.S).group())  # type: ignore[union-attr]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert not RAW.search(markdown)
    assert "x\\\\n::error file=y::z" in markdown  # the backslash escaped for Markdown
    # Every row of a Markdown table has as many cell separators as its header.
    for block in re.findall(r"(?:^\|.*\n)+", markdown, re.M):
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in block.splitlines()}
        assert len(widths) == 1, block


def test_the_up_front_warnings_of_split_escape_class_names(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    # One positive of the forged class: the minimum cannot be met, and says so on stderr.
    path = tmp_path / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "lab", "pat"])
        for i in range(40):
            writer.writerow([i, FORGE if i == 0 else "ab"[i % 2], f"p{i}"])
    result = run("split", path, *LABELS, "--fractions", "train=0.5,test=0.5",
                 "--min-positives", "test=1", "--out", tmp_path / "out")  # fmt: skip
    assert "cannot be met" in result.err
    assert FORGE not in result.err
    assert not [line for line in result.err.splitlines() if line.startswith("::")]
    assert not RAW.search(result.err)
