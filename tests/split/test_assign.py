"""The request a user makes, and a frame split by it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from splitguard.core.errors import InfeasibleError
from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec
from splitguard.split.assign import SplitRequest, split_frame


def test_split_frame_keeps_groups_whole_and_rows_once(nih_frame: LabelFrame) -> None:
    request = SplitRequest(min_positives={"val": 20, "test": 20})
    result = split_frame(nih_frame, request)
    splits = result.frame.splits
    assert splits is not None and splits.shape == (nih_frame.n_rows,)
    assert set(np.unique(splits)) == {0, 1, 2}
    per_group = np.zeros((nih_frame.n_groups, 3), dtype=np.int64)
    np.add.at(per_group, (nih_frame.groups, splits), 1)
    assert ((per_group > 0).sum(axis=1) == 1).all()
    for s in (1, 2):
        assert nih_frame.labels[splits == s].sum(axis=0).min() >= 20
    assert result.shortfalls == ()


def test_same_seed_same_assignment(nih_frame: LabelFrame) -> None:
    first = split_frame(nih_frame, SplitRequest(seed=3)).frame.splits
    again = split_frame(nih_frame, SplitRequest(seed=3)).frame.splits
    assert np.array_equal(first, again)


def test_more_splits_than_groups_is_infeasible(nih_frame: LabelFrame) -> None:
    import dataclasses

    from splitguard.core.labels import Parsed, as_parsed

    tiny = dataclasses.replace(
        nih_frame,
        label_rows=as_parsed(Parsed(nih_frame.labels[:2], nih_frame.classes)).matrix,
        groups=np.array([0, 0]),
        group_names=np.array(["a"], dtype=object),
    )
    with pytest.raises(InfeasibleError, match=r"names 3 splits .* has 1 group .* at most 1 split"):
        split_frame(tiny, SplitRequest())


def test_every_split_gets_a_rare_class_where_the_data_allows(tmp_path: Path) -> None:
    # 400 patients; "rare" is positive for 4 of them: proportionally val and test would
    # expect 0.4 each, and a class absent from a split is an error finding (SG301).
    lines = ["id,patient,labels"]
    for patient in range(400):
        label = "rare" if patient % 100 == 7 else ("common" if patient % 3 else "")
        lines += [f"{patient}-{k},{patient},{label}" for k in range(1 + patient % 3)]
    table = tmp_path / "labels.csv"
    table.write_text("\n".join(lines) + "\n")
    spec = LabelSpec(labels="labels", id="id", group=("patient",), blank="negative")
    frame = load_frame(table, spec)
    for seed in range(3):
        result = split_frame(frame, SplitRequest(seed=seed))
        splits = result.frame.splits
        assert splits is not None
        rare = frame.classes.index("rare")
        assert all(frame.labels[splits == s][:, [rare]].nnz for s in range(3))
        assert result.shortfalls == ()
