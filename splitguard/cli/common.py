"""What every command shares: options from the registry, inputs, config, the frame."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from splitguard.core.config import Config, is_override, load_config, resolve
from splitguard.core.errors import OptionError
from splitguard.core.options import INPUT_OPTIONS, label_spec

F = TypeVar("F", bound=Callable[..., Any])


def options(*names: str) -> Callable[[F], F]:
    """Click options for the named registry entries; unset values arrive as None.

    Only the options a command names get a flag of their own; any other registered
    option (a plugin rule's) is set with `--config KEY=VALUE` or in the config file.
    """
    from splitguard.rules.registry import registered_options

    known = registered_options()

    def decorate(function: F) -> F:
        for name in reversed(names):
            option = known[name]
            if option.flag:
                decorator = click.option(f"--{name}", is_flag=True, default=None, help=option.help)
            else:
                decorator = click.option(
                    f"--{name}",
                    multiple=option.multiple,
                    default=None,
                    metavar=option.metavar,
                    help=option.help,
                )
            function = decorator(function)
        return function

    return decorate


INPUT_NAMES = tuple(o.name for o in INPUT_OPTIONS if o.cli)

config_option = click.option(
    "--config",
    "config_args",
    multiple=True,
    metavar="FILE|KEY=VALUE",
    help="Config file (default: splitguard.toml or pyproject.toml, from here upwards), or "
    "KEY=VALUE to set any config key, a rule plugin's included, over the file's "
    "(repeatable; VALUE is TOML: xp-min-groups=3, min-positives={test=25}).",
)


def input_options(function: F) -> F:
    return config_option(options(*INPUT_NAMES)(function))


def cli_values(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Click's keyword arguments keyed by option name (`label_cols` -> `label-cols`)."""
    return {key.replace("_", "-"): value for key, value in kwargs.items()}


def read_config(arguments: tuple[str, ...]) -> Config:
    """The config of `--config` arguments: at most one file, any number of KEY=VALUE."""
    from splitguard.rules.registry import registered_options

    files = [Path(a) for a in arguments if not is_override(a)]
    if len(files) > 1:
        raise OptionError(
            f"--config names {len(files)} files ({', '.join(map(str, files))}); give one "
            "file, and set single keys with --config KEY=VALUE."
        )
    overrides = [a for a in arguments if is_override(a)]
    return load_config(files[0] if files else None, known=registered_options(), overrides=overrides)


def settings(kwargs: Mapping[str, Any], *names: str) -> tuple[dict[str, Any], Config]:
    """The resolved values of `names` (command line, then config file, then default)."""
    from splitguard.rules.registry import registered_options

    config = read_config(kwargs.get("config_args") or ())
    cli = cli_values({k: v for k, v in kwargs.items() if k != "config_args"})
    return resolve(cli, config, names, registered_options()), config


def parse_inputs(arguments: tuple[str, ...], config_inputs: Any) -> list[tuple[str | None, str]]:
    """`train=a.csv val=b.csv` or `table.csv` (from the command line, else the config)."""
    if not arguments:
        if config_inputs is None:
            raise OptionError(
                "give an input table (PATH, or SPLIT=PATH for each split), or set `inputs` "
                "in the config file."
            )
        if isinstance(config_inputs, str):
            return [(None, config_inputs)]
        return [(str(k), str(v)) for k, v in config_inputs.items()]
    inputs: list[tuple[str | None, str]] = []
    for argument in arguments:
        name, sep, path = argument.partition("=")
        if sep and name and "/" not in name and not Path(argument).exists():
            inputs.append((name.strip(), path))
        else:
            inputs.append((None, argument))
    return inputs


def load(arguments: tuple[str, ...], values: Mapping[str, Any], *, strict: bool = True) -> Any:
    """The label frame of the command's inputs."""
    from splitguard.core.load import load_frame

    spec = label_spec(values)
    return load_frame(parse_inputs(arguments, values.get("inputs")), spec, strict=strict)
