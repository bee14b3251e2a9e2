"""`splitguard check` end to end on the NIH table: leaky and clean splits, options, exits."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

NIH_OPTIONS = (
    "--labels", "Finding Labels", "--sep", "|", "--none", "No Finding",
    "--id", "Image Index", "--group", "Patient ID",
)  # fmt: skip
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class Splits:
    leaky: tuple[str, ...]
    clean: tuple[str, ...]
    leaked_patients: int
    one_table: Path


def _read_nih(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {"Patient ID": pa.string(), "Image Index": pa.string()}
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))


def _write(table: Any, assignment: np.ndarray, folder: Path) -> tuple[str, ...]:
    import pyarrow.parquet as pq

    folder.mkdir()
    arguments = []
    for index, split in enumerate(SPLITS):
        path = folder / f"{split}.parquet"
        pq.write_table(table.filter(assignment == index), path)
        arguments.append(f"{split}={path}")
    return tuple(arguments)


@pytest.fixture(scope="session")
def nih_splits(nih_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Splits:
    """NIH split 80/10/10 by rows at random (leaky) and by patient (clean)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = _read_nih(nih_path)
    folder = tmp_path_factory.mktemp("nih")
    rng = np.random.default_rng(7)
    by_row = np.searchsorted([0.8, 0.9], rng.random(table.num_rows), side="right")
    patients = np.array(table.column("Patient ID").to_pylist(), dtype=object)
    names, patient_index = np.unique(patients.astype(str), return_inverse=True)
    by_patient = np.searchsorted([0.8, 0.9], rng.random(len(names)), side="right")[patient_index]

    splits_of: dict[str, set[int]] = {}
    for patient, split in zip(patients, by_row, strict=True):
        splits_of.setdefault(patient, set()).add(int(split))
    leaked = sum(len(s) > 1 for s in splits_of.values())

    one_table = folder / "one.parquet"
    pq.write_table(table.append_column("split", pa.array(np.array(SPLITS)[by_row])), one_table)
    return Splits(
        leaky=_write(table, by_row, folder / "leaky"),
        clean=_write(table, by_patient, folder / "clean"),
        leaked_patients=leaked,
        one_table=one_table,
    )


Run = Callable[..., Any]


def _json(result: Any) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(result.out)
    return payload


def test_a_random_row_split_leaks_the_exact_number_of_patients(
    run: Run, nih_splits: Splits
) -> None:
    result = run("check", *nih_splits.leaky, *NIH_OPTIONS, "--format", "json")
    assert result.code == 1
    leaks = [f for f in _json(result)["findings"] if f["code"] == "SG201"]
    assert len(leaks) == 1
    assert leaks[0]["location"]["n_groups"] == nih_splits.leaked_patients
    expected = f"{nih_splits.leaked_patients:,} groups (by 'Patient ID') in more than one split"
    assert leaks[0]["message"].startswith(expected)
    assert len(leaks[0]["location"]["row_ids"]) == 10


def test_a_patient_split_covering_every_class_passes(run: Run, nih_splits: Splits) -> None:
    result = run("check", *nih_splits.clean, *NIH_OPTIONS, "--format", "json")
    payload = _json(result)
    assert result.code == 0, payload["findings"]
    assert not [f for f in payload["findings"] if f["family"] == "leakage"]
    assert payload["summary"]["errors"] == 0


def test_one_table_with_a_split_column(run: Run, nih_splits: Splits) -> None:
    result = run(
        "check", nih_splits.one_table, *NIH_OPTIONS, "--split-col", "split",
        "--select", "SG2", "--format", "json",
    )  # fmt: skip
    assert result.code == 1
    assert _json(result)["findings"][0]["location"]["n_groups"] == nih_splits.leaked_patients


def test_one_table_without_splits_runs_schema_and_imbalance(run: Run, nih_path: Path) -> None:
    result = run("check", nih_path, *NIH_OPTIONS, "--format", "json")
    assert result.code == 0
    assert {f["family"] for f in _json(result)["findings"]} == {"imbalance"}


def test_text_output_is_grouped_with_a_summary(run: Run, nih_splits: Splits) -> None:
    result = run("check", *nih_splits.leaky, *NIH_OPTIONS, "--statistics")
    assert result.code == 1
    assert "leakage (1)" in result.out
    assert "SG201" in result.out
    assert "failed" in result.out.splitlines()[-1]


def test_exit_zero_and_fail_on(run: Run, nih_splits: Splits) -> None:
    assert run("check", *nih_splits.leaky, *NIH_OPTIONS, "--exit-zero").code == 0
    assert run("check", *nih_splits.leaky, *NIH_OPTIONS, "--ignore", "SG2").code == 0
    assert run("check", *nih_splits.leaky, *NIH_OPTIONS, "--fail-on", "info").code == 1


def test_an_unknown_rule_code_is_exit_2(run: Run, nih_splits: Splits) -> None:
    result = run("check", *nih_splits.leaky, *NIH_OPTIONS, "--select", "SG999")
    assert result.code == 2
    assert "SG999" in result.err


@pytest.mark.parametrize(
    "arguments",
    [("train=missing.csv",), ("--labels", "No Such Column")],
    ids=["missing-file", "missing-column"],
)
def test_input_errors_are_exit_2(run: Run, nih_path: Path, arguments: tuple[str, ...]) -> None:
    options = NIH_OPTIONS if arguments[0].startswith("train") else NIH_OPTIONS[2:]
    inputs = () if arguments[0].startswith("train") else (str(nih_path),)
    assert run("check", *inputs, *arguments, *options).code == 2


def test_a_baseline_accepts_known_findings(run: Run, nih_splits: Splits, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    first = run("check", *nih_splits.leaky, *NIH_OPTIONS, "--write-baseline", baseline)
    # Writing the baseline is the job done: exit 0, and say how many findings and where.
    assert first.code == 0, first.err
    assert f"splitguard: wrote 2 findings (1 error, 1 info) to {baseline}" in first.err
    assert "SG201" in first.out  # the findings it accepted, as usual
    again = run(
        "check", *nih_splits.leaky, *NIH_OPTIONS, "--baseline", baseline, "--format", "json"
    )
    assert again.code == 0
    assert _json(again)["summary"]["accepted"] >= 1


@pytest.mark.parametrize("output", ["text", "json", "sarif", "github", "junit"])
def test_hide_ids_masks_ids_in_every_format(run: Run, nih_splits: Splits, output: str) -> None:
    shown = run("check", *nih_splits.leaky, *NIH_OPTIONS, "--format", output)
    hidden = run("check", *nih_splits.leaky, *NIH_OPTIONS, "--format", output, "--hide-ids")
    everything = _json(run("check", *nih_splits.leaky, *NIH_OPTIONS, "--format", "json"))
    sample = next(f for f in everything["findings"] if f["code"] == "SG201")["location"]
    row_id = sample["row_ids"][0]
    assert row_id in shown.out or output in ("github", "junit")
    assert row_id not in hidden.out
    assert all(f'"{group}"' not in hidden.out for group in sample["groups"])


def test_inputs_and_options_from_the_config_file(
    run: Run, nih_splits: Splits, in_folder: Path
) -> None:
    inputs = "\n".join(f'{a.split("=")[0]} = "{a.split("=", 1)[1]}"' for a in nih_splits.leaky)
    (in_folder / "splitguard.toml").write_text(
        'labels = "Finding Labels"\nsep = "|"\nnone = "No Finding"\nid = "Image Index"\n'
        'group = "Patient ID"\n[per-split-ignores]\nval = ["SG3"]\n[inputs]\n' + inputs + "\n"
    )
    result = run("check", "--format", "json")
    assert result.code == 1
    assert not [f for f in _json(result)["findings"] if f["location"]["split"] == "val"]


def test_without_inputs_or_config_check_says_which_config_to_create(
    run: Run, in_folder: Path
) -> None:
    result = run("check")
    assert result.code == 2
    assert "--labels COL (delimited" not in result.err
    assert "Create splitguard.toml beside your data" in result.err
    # The keys the message shows are a working config: paste them, add the files, run.
    keys = textwrap.dedent(result.err.split("at least:\n", 1)[1].rsplit("\nor give", 1)[0])
    (in_folder / "splitguard.toml").write_text(keys + "\n")
    (in_folder / "splits").mkdir()
    header = "Finding Labels,Patient ID\n"
    (in_folder / "splits" / "train.csv").write_text(header + "Mass,1\nNodule|Mass,2\n")
    (in_folder / "splits" / "test.csv").write_text(header + "Mass,1\nNodule,3\n")
    leaky = run("check", "--select", "SG201")
    assert leaky.code == 1, leaky.err
    assert "SG201" in leaky.out


def test_a_config_without_inputs_names_the_file_and_its_table(run: Run, in_folder: Path) -> None:
    (in_folder / "pyproject.toml").write_text('[tool.splitguard]\nlabels = "Finding Labels"\n')
    result = run("check")
    assert result.code == 2
    assert f"{in_folder / 'pyproject.toml'} sets no `inputs`" in result.err
    assert "[tool.splitguard.inputs]" in result.err


def test_config_key_value_sets_any_key_over_the_file(run: Run, in_folder: Path) -> None:
    header = "labels,patient\n"
    (in_folder / "train.csv").write_text(header + "Mass,1\nNodule|Mass,2\n")
    (in_folder / "test.csv").write_text(header + "Mass,1\nNodule,3\n")
    (in_folder / "splitguard.toml").write_text(
        'labels = "labels"\nsep = ";"\ngroup = "patient"\nselect = ["SG201"]\n'
    )
    inputs = ("train=train.csv", "test=test.csv")
    assert run("check", *inputs, "--config", "sep=|").code == 1
    warned = run("check", *inputs, "--config", 'severity={SG201 = "warning"}')
    assert warned.code == 0, warned.err
    assert "SG201 group-leak warning" in warned.out
    # A flag wins over a --config KEY=VALUE of the same key.
    assert run("check", *inputs, "--config", "select=SG3", "--select", "SG201").code == 1


def test_config_takes_one_file(run: Run, in_folder: Path) -> None:
    (in_folder / "a.toml").write_text('labels = "labels"\n')
    (in_folder / "b.toml").write_text('labels = "labels"\n')
    result = run("check", "t.csv", "--config", "a.toml", "--config", "b.toml")
    assert result.code == 2
    assert "--config names 2 files (a.toml, b.toml); give one file" in result.err
