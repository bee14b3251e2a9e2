"""Find and read the config file; merge it with the command line (the command line wins).

Looked for from the current folder upwards: `splitguard.toml` (keys at the top level,
or under `[tool.splitguard]`) or `pyproject.toml` with a `[tool.splitguard]` table.
The first folder that has either wins; in one folder, `splitguard.toml` wins.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from splitguard.core.errors import ConfigError, OptionError, closest
from splitguard.core.options import OPTIONS, is_module_reference

# Options whose value is a path: relative paths in a file are relative to the file.
PATH_OPTIONS = frozenset(
    {
        "baseline",
        "write-baseline",
        "html",
        "markdown",
        "keep",
        "out",
        "weights-out",
        "inputs",
        "root",
    }
)


@dataclass(frozen=True, slots=True)
class Config:
    """The options a config file sets, parsed; empty when there is no file."""

    path: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start` that configures splitguard."""
    for folder in (start, *start.parents):
        candidate = folder / "splitguard.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "splitguard" in _tool(_read_toml(pyproject), pyproject):
            return pyproject
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """Read `path`, or the config file found from `start` (default: the current folder)."""
    if path is None:
        path = find_config((start or Path.cwd()).resolve())
        if path is None:
            return Config()
    elif not path.is_file():
        raise ConfigError(f"{path}: no such config file. Check the path given to --config.")
    table = _read_toml(path)
    if path.name == "pyproject.toml" or "tool" in table:
        table = _tool(table, path).get("splitguard", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.splitguard] must be a table of options.")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        option = OPTIONS.get(key) or OPTIONS.get(key.replace("_", "-"))
        if option is None:
            raise ConfigError(
                f"{path}: unknown key {key!r}{closest(key, OPTIONS)}. "
                f"Known keys: {', '.join(sorted(OPTIONS))}."
            )
        try:
            value = option.parse(raw, f"key {option.name!r}")
        except OptionError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        is_path = option.name in PATH_OPTIONS or (
            option.name == "schema" and not is_module_reference(value)
        )
        values[option.name] = _relative_to(path.parent, value) if is_path else value
    return Config(path, values)


def _relative_to(folder: Path, value: Any) -> Any:
    if isinstance(value, str):
        return str(folder / value)
    if isinstance(value, dict):
        return {k: str(folder / v) if isinstance(v, str) else v for k, v in value.items()}
    return value


def _tool(table: dict[str, Any], path: Path) -> dict[str, Any]:
    """The `[tool]` table of a config file; {} when there is none."""
    tool = table.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(
            f"{path}: 'tool' must be a table ([tool.splitguard]), not {type(tool).__name__}. "
            "Fix the file, or remove its 'tool' key."
        )
    return tool


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the file's syntax.") from None
    except UnicodeDecodeError as exc:
        # tomllib decodes the whole file first; binary content fails before any TOML rule.
        raise ConfigError(
            f"{path}: not a TOML text file (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start} is not UTF-8). Save it as UTF-8 TOML, or remove it."
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror}).") from None


def resolve(cli: Mapping[str, Any], config: Config, names: Iterable[str]) -> dict[str, Any]:
    """Each named option's value: the command line's, else the file's, else the default.

    `cli` holds raw command-line values keyed by option name; None (or an empty tuple
    for a repeatable option) means "not given".
    """
    resolved: dict[str, Any] = {}
    for name in names:
        option = OPTIONS[name]
        raw = cli.get(name)
        if raw is not None and raw != ():
            value = option.parse(list(raw) if option.multiple else raw, f"--{name}")
        elif name in config.values:
            value = config.values[name]
        else:
            value = option.default
        resolved[name] = value
    return resolved
