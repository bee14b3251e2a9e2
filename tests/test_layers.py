"""The package's layers import in one direction (docs/architecture.md), type-only imports too.

core <- lint, rules <- split <- report <- app <- spark <- cli: a module may import its own layer
and the layers before it. Only cli/ may import click, rich or splitguard.cli.
"""

from __future__ import annotations

import ast
from pathlib import Path

import splitguard

PACKAGE = Path(splitguard.__file__).parent
RANK = {"core": 0, "lint": 1, "rules": 1, "split": 2, "report": 3, "app": 4, "spark": 5, "cli": 6}
TERMINAL = ("click", "rich")
# Imports that break the rule today, each to be removed by the change that fixes it.
KNOWN_UPWARD: set[tuple[str, str]] = set()
KNOWN_TERMINAL: set[tuple[str, str]] = set()


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "splitguard" and parts[1] in RANK else None


def _violations() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    upward, terminal = set(), set()
    modules = _modules()
    for name, tree in modules.items():
        layer = _layer(name)
        if layer is None:
            continue
        for imported in _imports(tree):
            target = _layer(imported)
            if target and RANK[target] > RANK[layer] and imported in modules:
                upward.add((name, imported))
            top = imported.split(".")[0]
            if layer != "cli" and top in TERMINAL:
                terminal.add((name, top))
    return upward, terminal


def test_layers_import_in_one_direction() -> None:
    upward, _ = _violations()
    assert upward == KNOWN_UPWARD


def test_only_the_cli_prints_with_click_or_rich() -> None:
    _, terminal = _violations()
    assert terminal == KNOWN_TERMINAL


def test_every_module_belongs_to_a_layer() -> None:
    loose = {
        name
        for name in _modules()
        if _layer(name) is None and name not in {"splitguard", "splitguard.__main__"}
    }
    assert loose == set()
