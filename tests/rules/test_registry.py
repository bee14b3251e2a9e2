"""Rule discovery through the `splitguard.rules` entry-point group, built-ins included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest

from splitguard.rules.base import Rule
from splitguard.rules.registry import GROUP, PluginError, collect, registered_rules

EXAMPLE_SOURCE = Path(__file__).parents[1] / "plugins" / "example"


def install_dist(site: Path, name: str, entry_points: dict[str, str]) -> Path:
    """Write `name`'s .dist-info into `site` with `splitguard.rules` entry points."""
    info = site / f"{name.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    lines = "\n".join(f"{key} = {value}" for key, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[splitguard.rules]\n{lines}\n")
    return site


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.syspath_prepend(str(EXAMPLE_SOURCE))
    registered_rules.cache_clear()
    yield folder
    registered_rules.cache_clear()


def test_built_in_families_register_through_the_entry_point_group() -> None:
    names = {entry.name for entry in entry_points(group=GROUP)}
    assert {"schema", "leakage", "coverage", "imbalance"} <= names
    families = {rule.family for rule in registered_rules().values()}
    assert families >= {"schema", "leakage", "coverage", "imbalance"}


def test_an_installed_plugin_adds_its_rules(site: Path) -> None:
    install_dist(site, "splitguard-example-plugin", {"example": "splitguard_example_plugin:RULES"})
    rules = registered_rules()
    assert rules["XP101"].name == "class-in-one-group"
    assert "SG201" in rules


def test_a_plugin_that_fails_to_load_names_its_package(site: Path) -> None:
    install_dist(site, "broken-plugin", {"broken": "no_such_module_anywhere:RULES"})
    with pytest.raises(PluginError, match="broken-plugin"):
        registered_rules()


def _entry(value: str) -> EntryPoint:
    return EntryPoint(name="fake", value=value, group=GROUP)


class _BadCode(Rule):
    code = "sg1"
    name = "bad-code"
    family = "schema"
    severity = "error"


class _BadName(Rule):
    code = "XX101"
    name = "Bad_Name"
    family = "schema"
    severity = "error"


class _Taken(Rule):
    code = "SG201"
    name = "taken"
    family = "leakage"
    severity = "error"


@pytest.mark.parametrize(
    ("rule", "message"),
    [(_BadCode, "code must be"), (_BadName, "kebab-case"), (_Taken, "already taken")],
)
def test_codes_are_validated_and_unique(
    rule: type[Rule], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "PLUGIN_RULES", [rule], raising=False)
    entries = [*entry_points(group=GROUP), _entry(f"{__name__}:PLUGIN_RULES")]
    with pytest.raises(PluginError, match=message):
        collect(entries)


def test_an_entry_point_must_give_rule_classes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "NOT_RULES", [object()], raising=False)
    with pytest.raises(PluginError, match="not a splitguard Rule class"):
        collect([_entry(f"{__name__}:NOT_RULES")])


def _cli(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(site), str(EXAMPLE_SOURCE), os.environ.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "splitguard", *args],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )


def test_plugin_end_to_end_through_the_cli(site: Path, tmp_path: Path) -> None:
    install_dist(site, "splitguard-example-plugin", {"example": "splitguard_example_plugin:RULES"})
    listed = json.loads(_cli(site, "rules", "--format", "json").stdout)
    assert "XP101" in [rule["code"] for rule in listed]
    table = tmp_path / "labels.csv"
    table.write_text("id,patient,labels\na,p1,Hernia\nb,p1,Hernia\nc,p2,Mass\nd,p3,Mass\n")
    checked = _cli(
        site,
        "check",
        str(table),
        "--labels",
        "labels",
        "--id",
        "id",
        "--group",
        "patient",
        "--select",
        "XP",
        "--format",
        "json",
    )
    assert checked.returncode == 0, checked.stderr
    findings = json.loads(checked.stdout)["findings"]
    assert [(f["code"], f["location"]["label"]) for f in findings] == [("XP101", "Hernia")]


def test_a_broken_plugin_is_exit_2_naming_the_package(site: Path) -> None:
    install_dist(site, "broken-plugin", {"broken": "no_such_module_anywhere:RULES"})
    result = _cli(site, "rules")
    assert result.returncode == 2
    assert "broken-plugin" in result.stderr
