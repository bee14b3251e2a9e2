"""The Python API's keywords: the CLI's long options with `_`, read by the same parsers.

`splitguard.check(data, min_positives={"test": 25})` parses `min_positives` exactly as
`--min-positives test=25` is parsed, so a bad value is the same `OptionError`, naming
the keyword.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitguard.core.config import load_config

if TYPE_CHECKING:
    from splitguard.core.options import Option

ConfigArgument = str | os.PathLike[str] | Mapping[str, Any] | None


def option_values(
    keywords: Mapping[str, Any], config: ConfigArgument, known: Mapping[str, Option[Any]]
) -> dict[str, Any]:
    """Parsed option values by option name: the keywords given (not None) over `config`'s.

    `config` is a config file's path (read as `--config FILE` is, keys checked against
    `known`), or a dict of config keys and values.
    """
    values: dict[str, Any] = {}
    if isinstance(config, Mapping):
        keywords = {**{str(k): v for k, v in config.items()}, **keywords}
    elif config is not None:
        values.update(load_config(Path(config), known=known).values)
    for keyword, raw in keywords.items():
        if raw is None:
            continue
        option = known.get(keyword) or known.get(keyword.replace("_", "-"))
        if option is None:
            from splitguard.core.errors import OptionError, closest

            raise OptionError(
                f"config key {keyword!r} is no option{closest(keyword, known)}. "
                f"Known keys: {', '.join(sorted(known))}."
            )
        values[option.name] = option.parse(_plain(raw), keyword)
    return values


def _plain(value: Any) -> Any:
    """Paths as the strings the parsers take; lists and dicts of them too."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def paths_read(data: Any) -> list[Path]:
    """The files `data` names (a path, `(split, path)` pairs, `{split: path}`): outputs
    must never replace them. In-memory tables name none."""
    if isinstance(data, str | os.PathLike):
        return [Path(data)]
    if isinstance(data, Mapping):
        data = list(data.items())
    if isinstance(data, list | tuple):
        return [
            Path(item[1])
            for item in data
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str | os.PathLike)
        ]
    return []
