"""docs/architecture.md's recipes, done as written: the code blocks are run, not copied."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

DOC = Path(__file__).parents[1] / "docs" / "architecture.md"


def _blocks(section: str) -> dict[str, str]:
    """The fenced code blocks of the `## {section}` section, by language."""
    text = DOC.read_text(encoding="utf-8").split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"```(\w+)\n(.*?)```", text, flags=re.S))


def _splitguard(site: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "splitguard", *args],
        env={**os.environ, "PYTHONPATH": path},
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_add_a_rule_with_an_option(tmp_path: Path) -> None:
    blocks = _blocks("Recipe: add a rule with an option")
    site = tmp_path / "site"
    site.mkdir()
    # Step 1: the rule's module, as the recipe writes it.
    (site / "my_rules.py").write_text(blocks["python"], encoding="utf-8")
    # Step 2: the entry point; installing a package writes it into a .dist-info.
    entries = tomllib.loads(blocks["toml"])["project"]["entry-points"]["splitguard.rules"]
    info = site / "my_rules-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-rules\nVersion: 0.1.0\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entries.items())
    (info / "entry_points.txt").write_text(f"[splitguard.rules]\n{lines}")
    # Step 3: the command, on a table with a row of two labels and a row of one.
    work = tmp_path / "work"
    work.mkdir()
    (work / "labels.csv").write_text("labels\nMass|Nodule\nMass\n")
    command = shlex.split(blocks["sh"].strip())
    assert command[0] == "splitguard"
    result = _splitguard(site, [*command[1:], "--format", "json"], work)
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["message"]) for f in findings] == [
        ("XP201", "1 row with more than 1 labels.")
    ]
    # The same option as a config key; without it, the declared default (5) holds.
    options = [a for a in command[1:] if a not in ("--config", "xp-max-labels=1")]
    default = _splitguard(site, [*options, "--format", "json"], work)
    assert json.loads(default.stdout)["findings"] == []
    (work / "splitguard.toml").write_text("xp-max-labels = 1\n")
    configured = _splitguard(site, [*options, "--format", "json"], work)
    assert [f["code"] for f in json.loads(configured.stdout)["findings"]] == ["XP201"]
