"""--keep: an earlier split's groups stay where they were; only new groups are placed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from splitguard.core.errors import InputError, OptionError
from splitguard.core.example import NIH_SPEC, example_path
from splitguard.core.load import load_frame
from splitguard.core.options import path_or_split_paths
from splitguard.split.assign import SplitRequest, split_frame
from splitguard.split.keep import kept_groups


def _write_previous(
    folder: Path, table: pa.Table, splits: np.ndarray, names: tuple[str, ...]
) -> None:
    folder.mkdir()
    for s, name in enumerate(names):
        part = table.filter(pa.array(splits == s))
        part = part.append_column("split", pa.array([name] * part.num_rows, pa.string()))
        pq.write_table(part, folder / f"{name}.parquet")


def test_kept_groups_stay_and_new_groups_are_placed(tmp_path: Path) -> None:
    frame = load_frame(example_path(), NIH_SPEC)
    request = SplitRequest()
    # The earlier data set: the first 80,000 rows, split then.
    old_rows = np.arange(80_000)
    old_table = frame.table.slice(0, 80_000)
    first = split_frame(frame, request).frame.splits
    assert first is not None
    _write_previous(tmp_path / "previous", old_table, first[old_rows], request.split_names)

    kept = kept_groups(frame, tmp_path / "previous", request.split_names)
    old_groups = np.unique(frame.groups[old_rows])
    assert (kept.fixed[old_groups] >= 0).all()
    assert kept.conflicts == 0
    grown = split_frame(frame, request, fixed=kept.fixed).frame.splits
    assert grown is not None
    assert np.array_equal(grown[old_rows], first[old_rows])


def test_keep_rejects_unknown_split_names(tmp_path: Path) -> None:
    frame = load_frame(example_path(), NIH_SPEC)
    splits = np.zeros(frame.n_rows, dtype=np.int64)
    _write_previous(tmp_path / "previous", frame.table, splits, ("holdout",))
    with pytest.raises(OptionError, match="'holdout'"):
        kept_groups(frame, tmp_path / "previous", ("train", "val", "test"))


def test_keep_needs_a_split_directory(tmp_path: Path) -> None:
    frame = load_frame(example_path(), NIH_SPEC)
    with pytest.raises(InputError, match="directory"):
        kept_groups(frame, tmp_path / "nowhere", ("train",))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no Parquet"):
        kept_groups(frame, tmp_path / "empty", ("train",))


def test_keep_accepts_split_files(tmp_path: Path) -> None:
    import pyarrow.csv as pacsv

    frame = load_frame(example_path(), NIH_SPEC)
    request = SplitRequest()
    first = split_frame(frame, request).frame.splits
    assert first is not None
    files = []
    for s, name in enumerate(request.split_names):
        path = tmp_path / f"{name}.csv"
        pacsv.write_csv(frame.table.filter(pa.array(first == s)), path)
        files.append(f"{name}={path}")
    kept = kept_groups(frame, path_or_split_paths(",".join(files), "--keep"), request.split_names)
    group_split = np.zeros(frame.n_groups, dtype=np.int64)
    group_split[frame.groups] = first
    assert np.array_equal(kept.fixed, group_split)


def test_a_missing_key_keeps_no_row(tmp_path: Path) -> None:
    from splitguard.core.spec import LabelSpec

    (tmp_path / "train.csv").write_text("id,patient,lab\n1,p1,a\n2,NaN,a\n")
    (tmp_path / "test.csv").write_text("id,patient,lab\n3,,b\n4,None,b\n")
    (tmp_path / "now.csv").write_text("id,patient,lab\n1,p1,a\n5,NaN,a\n6,,b\n7,null,b\n")
    frame = load_frame(tmp_path / "now.csv", LabelSpec(labels="lab", group=("patient",)))
    files = {"train": str(tmp_path / "train.csv"), "test": str(tmp_path / "test.csv")}
    kept = kept_groups(frame, files, ("train", "test"))
    # p1 stays in train; the three rows without a patient are new, whatever their spelling.
    assert kept.fixed[frame.groups].tolist() == [0, -1, -1, -1]
