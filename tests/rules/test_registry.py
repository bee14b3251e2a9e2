"""Rule discovery through the `splitguard.rules` entry-point group, built-ins included."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest
from plugin_site import install_dist, run_cli, site_on_path

from splitguard.core.options import Option, count
from splitguard.rules.base import Rule
from splitguard.rules.registry import (
    GROUP,
    PluginError,
    collect,
    registered_options,
    registered_rules,
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with site_on_path(tmp_path, monkeypatch, registered_rules) as folder:
        yield folder


def test_built_in_families_register_through_the_entry_point_group() -> None:
    names = {entry.name for entry in entry_points(group=GROUP)}
    assert {"schema", "leakage", "coverage", "imbalance"} <= names
    families = {rule.family for rule in registered_rules().values()}
    assert families >= {"schema", "leakage", "coverage", "imbalance"}


def test_an_installed_plugin_adds_its_rules(site: Path) -> None:
    install_dist(
        site, "splitguard-example-plugin", GROUP, {"example": "splitguard_example_plugin:RULES"}
    )
    rules = registered_rules()
    assert rules["XP101"].name == "class-in-one-group"
    assert "SG201" in rules


def test_a_plugin_that_fails_to_load_names_its_package(site: Path) -> None:
    install_dist(site, "broken-plugin", GROUP, {"broken": "no_such_module_anywhere:RULES"})
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


class _BadReads(Rule):
    code = "XX102"
    name = "bad-reads"
    family = "schema"
    severity = "error"
    reads = "everything"  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (_BadCode, "code must be"),
        (_BadName, "kebab-case"),
        (_Taken, "already taken"),
        (_BadReads, "reads must be 'rows' or 'counts'"),
    ],
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


def test_plugin_end_to_end_through_therun_cli(site: Path, tmp_path: Path) -> None:
    install_dist(
        site, "splitguard-example-plugin", GROUP, {"example": "splitguard_example_plugin:RULES"}
    )
    listed = json.loads(run_cli(site, "rules", "--format", "json").stdout)
    assert "XP101" in [rule["code"] for rule in listed]
    table = tmp_path / "labels.csv"
    table.write_text("id,patient,labels\na,p1,Hernia\nb,p1,Hernia\nc,p2,Mass\nd,p3,Mass\n")
    checked = run_cli(
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
    install_dist(site, "broken-plugin", GROUP, {"broken": "no_such_module_anywhere:RULES"})
    result = run_cli(site, "rules")
    assert result.returncode == 2
    assert "broken-plugin" in result.stderr


# Hernia's positives come from one patient, Mass's from two, Nodule's from three.
GROUPED = (
    "id,patient,labels\na,p1,Hernia\nb,p1,Hernia\nc,p2,Mass\nd,p3,Mass\n"
    "e,p4,Nodule\nf,p5,Nodule\ng,p6,Nodule\n"
)
XP_ARGS = ("--labels", "labels", "--id", "id", "--group", "patient", "--select", "XP")


def _flagged(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [f["location"]["label"] for f in json.loads(result.stdout)["findings"]]


@pytest.fixture
def plugin_site(site: Path) -> Path:
    install_dist(
        site, "splitguard-example-plugin", GROUP, {"example": "splitguard_example_plugin:RULES"}
    )
    return site


def test_a_plugin_option_is_set_on_the_command_line(plugin_site: Path, tmp_path: Path) -> None:
    table = tmp_path / "labels.csv"
    table.write_text(GROUPED)
    default = run_cli(plugin_site, "check", str(table), *XP_ARGS, "--format", "json")
    assert _flagged(default) == ["Hernia"]
    raised = run_cli(
        plugin_site,
        "check",
        str(table),
        *XP_ARGS,
        "--config",
        "xp-min-groups=3",
        "--format",
        "json",
    )
    assert _flagged(raised) == ["Hernia", "Mass"]


def test_a_plugin_option_is_a_config_key(plugin_site: Path, tmp_path: Path) -> None:
    (tmp_path / "labels.csv").write_text(GROUPED)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.splitguard]\nlabels = "labels"\nid = "id"\ngroup = "patient"\n'
        'select = ["XP"]\nxp-min-groups = 4\n'
    )
    result = run_cli(plugin_site, "check", "labels.csv", "--format", "json", cwd=tmp_path)
    assert _flagged(result) == ["Hernia", "Mass", "Nodule"]
    # The command line wins over the file, as for every key.
    result = run_cli(
        plugin_site,
        "check",
        "labels.csv",
        "--config",
        "xp-min-groups = 3",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert _flagged(result) == ["Hernia", "Mass"]


def test_a_bad_plugin_option_value_is_exit_2_naming_the_option(
    plugin_site: Path, tmp_path: Path
) -> None:
    table = tmp_path / "labels.csv"
    table.write_text(GROUPED)
    result = run_cli(plugin_site, "check", str(table), *XP_ARGS, "--config", "xp-min-groups=many")
    assert result.returncode == 2
    assert "xp-min-groups takes a whole number, not 'many'" in result.stderr


def test_a_plugin_key_without_the_plugin_is_an_unknown_key(site: Path, tmp_path: Path) -> None:
    (tmp_path / "labels.csv").write_text(GROUPED)
    (tmp_path / "splitguard.toml").write_text('labels = "labels"\nxp-min-groups = 3\n')
    result = run_cli(site, "check", "labels.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown key 'xp-min-groups'" in result.stderr


def test_a_plugin_option_through_the_python_api(plugin_site: Path, tmp_path: Path) -> None:
    from splitguard.app.check import check

    table = tmp_path / "labels.csv"
    table.write_text(GROUPED)
    outcome = check(
        table, labels="labels", id="id", group="patient", select="XP", config={"xp-min-groups": 3}
    )
    assert [f.location.label for f in outcome.findings] == ["Hernia", "Mass"]
    assert outcome.exit_status == 0


class _TakesACoreName(Rule):
    code = "XX102"
    name = "takes-a-core-name"
    family = "example"
    severity = "warning"
    options = (Option("min-positives", "Mine.", count, 1),)


class _DeclaresAName(Rule):
    code = "XX103"
    name = "declares-a-name"
    family = "example"
    severity = "warning"
    options = (Option("xx-limit", "Mine.", count, 1),)


class _DeclaresItAgain(_DeclaresAName):
    code = "XX104"
    name = "declares-it-again"
    options = (Option("xx-limit", "Also mine.", count, 2),)


class _NotAnOption(Rule):
    code = "XX105"
    name = "not-an-option"
    family = "example"
    severity = "warning"
    options = ("xx-limit",)  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([_TakesACoreName], "'min-positives' is already declared by splitguard itself"),
        ([_DeclaresAName, _DeclaresItAgain], "'xx-limit' is already declared by rule XX103"),
        ([_NotAnOption], "options must be Option objects"),
    ],
)
def test_option_names_are_owned_once(
    rules: list[type[Rule]], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "PLUGIN_RULES", rules, raising=False)
    with pytest.raises(PluginError, match=message):
        collect([*entry_points(group=GROUP), _entry(f"{__name__}:PLUGIN_RULES")])


def test_rules_may_share_one_option_object() -> None:
    rules = registered_rules()
    assert rules["SG302"].options[0] is rules["SG306"].options[0]
    assert registered_options()["min-positives"] is rules["SG302"].options[0]
