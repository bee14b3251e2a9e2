"""What every command shares: options from the registry, inputs, config, the frame."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from splitguard.app.requests import label_spec as label_spec  # the commands import it here
from splitguard.core.config import Config, load_config, resolve
from splitguard.core.errors import OptionError
from splitguard.core.io.write import write_json as write_json
from splitguard.core.options import INPUT_OPTIONS, OPTIONS

F = TypeVar("F", bound=Callable[..., Any])


def options(*names: str) -> Callable[[F], F]:
    """Click options for the named registry entries; unset values arrive as None."""

    def decorate(function: F) -> F:
        for name in reversed(names):
            option = OPTIONS[name]
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
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file (default: splitguard.toml or pyproject.toml, from here upwards).",
)


def input_options(function: F) -> F:
    return config_option(options(*INPUT_NAMES)(function))


def cli_values(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Click's keyword arguments keyed by option name (`label_cols` -> `label-cols`)."""
    return {key.replace("_", "-"): value for key, value in kwargs.items()}


def settings(kwargs: Mapping[str, Any], *names: str) -> tuple[dict[str, Any], Config]:
    """The resolved values of `names` (command line, then config file, then default)."""
    config = load_config(kwargs.get("config_path"))
    return resolve(cli_values(kwargs), config, names), config


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


def guard_outputs(
    arguments: tuple[str, ...], values: Mapping[str, Any], config: Config, *names: str
) -> None:
    """Refuse, before any work, an output file option (`names`) that would write over an
    input: a table, the baseline (but --write-baseline may refresh it), the config file."""
    from splitguard.core.io.safepath import check_output_files

    tables = [Path(path) for _, path in parse_inputs(arguments, values.get("inputs"))]
    baseline = [Path(values["baseline"])] if values.get("baseline") else []
    config_file = [config.path] if config.path is not None else []
    check_output_files(
        {f"--{name}": values.get(name) for name in names},
        [*tables, *baseline, *config_file],
        updates={"--write-baseline": baseline[0]} if baseline else None,
    )
