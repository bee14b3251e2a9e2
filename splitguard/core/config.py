"""Find and read the config file; merge it with the command line (the command line wins).

Looked for from the current folder upwards: `splitguard.toml` (keys at the top level,
or under `[tool.splitguard]`) or `pyproject.toml` with a `[tool.splitguard]` table.
The first folder that has either wins; in one folder, `splitguard.toml` wins.
`KEY=VALUE` overrides (`--config xp-min-groups=3`, as ruff takes them) set a key as
the file would, and win over it. Which keys exist is the caller's: the core's options,
the engine's and every installed rule's (`registered_options`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from splitguard.core.errors import ConfigError, OptionError, closest
from splitguard.core.options import Option

Known = Mapping[str, Option[Any]]


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


def load_config(
    path: Path | None = None,
    *,
    start: Path | None = None,
    known: Known,
    overrides: Sequence[str] = (),
) -> Config:
    """Read `path`, or the config file found from `start` (default: the current folder),
    then the `KEY=VALUE` `overrides`; every key must be one of `known`."""
    values: dict[str, Any] = {}
    if path is None:
        path = find_config((start or Path.cwd()).resolve())
    elif not path.is_file():
        raise ConfigError(f"{path}: no such config file. Check the path given to --config.")
    if path is not None:
        table = _read_toml(path)
        if path.name == "pyproject.toml" or "tool" in table:
            table = _tool(table, path).get("splitguard", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.splitguard] must be a table of options.")
        for key, raw in table.items():
            option = _option(key, known, f"{path}: unknown key")
            try:
                value = option.parse(raw, f"key {option.name!r}")
            except OptionError as exc:
                raise ConfigError(f"{path}: {exc}") from None
            values[option.name] = (
                _relative_to(path.parent, value)
                if value is not None and option.path(value)
                else value
            )
    for override in overrides:
        key, raw = _override(override)
        option = _option(key, known, f"--config {override!r}: unknown key")
        values[option.name] = option.parse(raw, f"--config {option.name}")
    return Config(path, values)


def _option(key: str, known: Known, unknown: str) -> Option[Any]:
    option = known.get(key) or known.get(key.replace("_", "-"))
    if option is None:
        raise ConfigError(
            f"{unknown} {key!r}{closest(key, known)}. Known keys: {', '.join(sorted(known))}."
        )
    return option


def is_override(value: str) -> bool:
    """True for `--config KEY=VALUE`, false for `--config FILE` (an existing file wins)."""
    key, sep, _ = value.partition("=")
    return bool(sep and key.strip()) and not Path(value).is_file()


def _override(text: str) -> tuple[str, Any]:
    """`KEY=VALUE`: the value read as TOML (`3`, `0.5`, `["A", "B"]`, `{test = 25}`), or,
    when it is not TOML, as the string a flag takes (`min-positives=test=25`)."""
    key, _, raw = text.partition("=")
    try:
        value = tomllib.loads(f"value = {raw.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key.strip(), value


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


def resolve(
    cli: Mapping[str, Any], config: Config, names: Iterable[str], known: Known
) -> dict[str, Any]:
    """Each named option's value: the command line's, else the file's, else the default.

    `cli` holds raw command-line values keyed by option name; None (or an empty tuple
    for a repeatable option) means "not given".
    """
    resolved: dict[str, Any] = {}
    for name in names:
        option = known[name]
        raw = cli.get(name)
        if raw is not None and raw != ():
            value = option.parse(list(raw) if option.multiple else raw, f"--{name}")
        elif name in config.values:
            value = config.values[name]
        else:
            value = option.default
        resolved[name] = value
    return resolved
