"""splitguard.core.config: find the file upwards, read [tool.splitguard], the command line wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from splitguard.core.config import Config, find_config, is_override, load_config, resolve
from splitguard.core.errors import ConfigError, OptionError
from splitguard.rules.registry import registered_options

KNOWN = registered_options()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_found_from_a_subfolder_upwards(tmp_path: Path) -> None:
    config = write(tmp_path / "pyproject.toml", '[tool.splitguard]\nlabels = "Finding Labels"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == config
    assert load_config(start=deep, known=KNOWN).values == {"labels": "Finding Labels"}


def test_pyproject_without_our_table_is_passed_over(tmp_path: Path) -> None:
    outer = write(tmp_path / "splitguard.toml", 'sep = "|"\n')
    write(tmp_path / "inner" / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    assert find_config(tmp_path / "inner") == outer


def test_splitguard_toml_wins_in_one_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.splitguard]\nsep = ";"\n')
    own = write(tmp_path / "splitguard.toml", '[tool.splitguard]\nsep = "|"\n')
    assert find_config(tmp_path) == own
    assert load_config(start=tmp_path, known=KNOWN).values == {"sep": "|"}


def test_no_file_is_an_empty_config(tmp_path: Path) -> None:
    assert load_config(start=tmp_path, known=KNOWN) == Config()


def test_values_are_parsed_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cfg" / "splitguard.toml",
        'label_cols = ["A", "B"]\ngroup = "patient,study"\nnone = ["No Finding"]\n'
        'min-positives = {test = 25}\nweights-out = "w.json"\n'
        'inputs = {train = "train.csv", test = "test.csv"}\n',
    )
    values = load_config(path, known=KNOWN).values
    assert values["label-cols"] == ("A", "B")
    assert values["group"] == ("patient", "study")
    assert values["none"] == ("No Finding",)
    assert values["min-positives"] == {"test": 25}
    assert values["weights-out"] == str(tmp_path / "cfg" / "w.json")
    assert values["inputs"] == {
        "train": str(tmp_path / "cfg" / "train.csv"),
        "test": str(tmp_path / "cfg" / "test.csv"),
    }


def test_unknown_key_names_file_key_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool.splitguard]\nuncertian = "negative"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, known=KNOWN)
    message = str(caught.value)
    assert str(path) in message and "'uncertian'" in message
    assert "did you mean 'uncertain'" in message and "Known keys:" in message


@pytest.mark.parametrize(
    ("line", "fragments"),
    [
        ('uncertain = "maybe"', ["'uncertain'", "'maybe'", "negative, positive, error"]),
        ('blank = "positive"', ["'blank'", "negative, error"]),
        ('shape = "csv"', ["'shape'", "not a label shape", "delimited, list, long, wide"]),
        ("fail-on = 3", ["'fail-on'", "error, warning, info"]),
        ("labels = 3", ["'labels'", "takes a string"]),
        ('min-positives = "test"', ["'min-positives'", "SPLIT=VALUE"]),
        ('fractions = "train=0.5,test=0.1"', ["'fractions'", "not 1"]),
        ("seed = -1", ["'seed'", "0 or more"]),
    ],
)
def test_bad_value_names_file_key_and_allowed_values(
    tmp_path: Path, line: str, fragments: list[str]
) -> None:
    path = write(tmp_path / "splitguard.toml", line + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, known=KNOWN)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_a_shape_is_named_in_the_config_file(tmp_path: Path) -> None:
    path = write(tmp_path / "splitguard.toml", 'shape = "list"\n')
    assert load_config(path, known=KNOWN).values == {"shape": "list"}


def test_invalid_toml_and_missing_explicit_file(tmp_path: Path) -> None:
    bad = write(tmp_path / "splitguard.toml", "labels = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad, known=KNOWN)
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "nope.toml", known=KNOWN)


def test_command_line_wins_then_file_then_default(tmp_path: Path) -> None:
    path = write(tmp_path / "splitguard.toml", 'sep = ";"\nuncertain = "positive"\ngroup = "p"\n')
    config = load_config(path, known=KNOWN)
    names = ("sep", "uncertain", "blank", "group")
    from_file = resolve({"sep": None, "group": ()}, config, names, KNOWN)
    assert from_file == {"sep": ";", "uncertain": "positive", "blank": "error", "group": ("p",)}
    cli = {"sep": "|", "uncertain": "negative", "group": ("a", "b,c")}
    assert resolve(cli, config, names, KNOWN) == {
        "sep": "|",
        "uncertain": "negative",
        "blank": "error",
        "group": ("a", "b", "c"),
    }
    with pytest.raises(OptionError, match="--uncertain 'maybe'"):
        resolve({"uncertain": "maybe"}, config, names, KNOWN)


def test_split_values_given_over_several_flags_add_up() -> None:
    names = ("min-positives", "min-positive-groups", "fractions")
    cli = {
        "min-positives": ("val=20", "test=20"),
        "min-positive-groups": ("test=3",),
        "fractions": ("train=0.8", "val=0.1,test=0.1"),
    }
    assert resolve(cli, Config(), names, KNOWN) == {
        "min-positives": {"val": 20, "test": 20},
        "min-positive-groups": {"test": 3},
        "fractions": {"train": 0.8, "val": 0.1, "test": 0.1},
    }
    twice = {"min-positives": ("test=20", "val=5,test=25")}
    with pytest.raises(OptionError, match="--min-positives names split 'test' twice"):
        resolve(twice, Config(), names, KNOWN)


def test_every_command_line_option_has_a_config_key() -> None:
    import click

    from splitguard.cli.main import cli

    not_keys = {"config", "debug", "help", "quiet", "version"}  # the global flags
    ctx = cli.make_context("splitguard", ["--help"], resilient_parsing=True)
    for name in cli.list_commands(ctx):
        try:
            command = cli.get_command(ctx, name)
        except ImportError:  # a command still being written
            continue
        assert command is not None
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            flags = [o.removeprefix("--") for o in param.opts if o.startswith("--")]
            assert flags, param
            if flags[0] in not_keys:
                continue
            assert flags[0] in registered_options(), (
                f"splitguard {name} --{flags[0]} has no config key"
            )


def test_keep_split_files_in_config_are_relative_to_the_file(tmp_path: Path) -> None:
    from splitguard.core.config import load_config

    config = tmp_path / "splitguard.toml"
    config.write_text('labels = "l"\nkeep = "train=old/train.csv,test=old/test.csv"\n')
    values = load_config(config, known=KNOWN).values
    assert values["keep"] == {
        "train": str(tmp_path / "old/train.csv"),
        "test": str(tmp_path / "old/test.csv"),
    }
    config.write_text('labels = "l"\nkeep = "previous"\n')
    assert load_config(config, known=KNOWN).values["keep"] == str(tmp_path / "previous")


@pytest.mark.parametrize(
    ("override", "value"),
    [
        ("imbalance-threshold=0.05", 0.05),
        ("imbalance-threshold = 0.05", 0.05),
        ('imbalance_threshold = "0.05"', 0.05),
        ("min-positives={test=25, val=10}", {"test": 25, "val": 10}),
        ("min-positives=test=25,val=10", {"test": 25, "val": 10}),  # as --min-positives takes it
        ("group=Patient ID", ("Patient ID",)),
        ('label-cols=["A", "B"]', ("A", "B")),
    ],
)
def test_a_key_value_override_reads_toml_or_the_flag_s_text(override: str, value: object) -> None:
    name = override.partition("=")[0].strip().replace("_", "-")
    assert load_config(known=KNOWN, overrides=[override], start=Path("/")).values == {name: value}


def test_overrides_win_over_the_file_and_are_not_relative_to_it(tmp_path: Path) -> None:
    path = write(tmp_path / "cfg" / "splitguard.toml", 'sep = ";"\nweights-out = "w.json"\n')
    values = load_config(path, known=KNOWN, overrides=["sep=|", "weights-out=out/w.json"]).values
    assert values == {"sep": "|", "weights-out": "out/w.json"}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("sepp=|", "--config 'sepp=|': unknown key 'sepp' \\(did you mean 'sep'"),
        ("seed=-3", "--config seed takes a number of 0 or more"),
    ],
)
def test_a_bad_override_names_it(override: str, message: str) -> None:
    with pytest.raises((ConfigError, OptionError), match=message):
        load_config(known=KNOWN, overrides=[override], start=Path("/"))


def test_is_override_tells_a_file_from_a_key(tmp_path: Path) -> None:
    odd = write(tmp_path / "a=b.toml", "")
    assert is_override("xp-min-groups=3")
    assert not is_override(str(odd))
    assert not is_override("pyproject.toml")
