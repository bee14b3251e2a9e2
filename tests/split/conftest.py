"""The NIH ChestX-ray14 label table as group-level counts, read once with pyarrow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

NIH_LABELS = Path("/work/shared/data/nih_chestxray14_labels.csv.gz")
NO_FINDING = "No Finding"


@dataclass(frozen=True)
class NihCounts:
    """Rows, groups and labels of NIH, with groups in sorted-key order."""

    labels: npt.NDArray[np.bool_]  # (N, C)
    group_index: npt.NDArray[np.int64]  # (N,)
    group_label_counts: npt.NDArray[np.int64]  # (G, C)
    group_sizes: npt.NDArray[np.int64]  # (G,)


@pytest.fixture(scope="session")
def nih() -> NihCounts:
    pyarrow_csv = pytest.importorskip("pyarrow.csv")
    if not NIH_LABELS.is_file():
        pytest.skip(f"{NIH_LABELS} is not available")
    table = pyarrow_csv.read_csv(
        NIH_LABELS,
        convert_options=pyarrow_csv.ConvertOptions(
            include_columns=["Patient ID", "Finding Labels"],
            column_types={"Patient ID": "string"},
        ),
    )
    findings = [cell.split("|") for cell in table.column("Finding Labels").to_pylist()]
    names = sorted({name for row in findings for name in row} - {NO_FINDING})
    column = {name: c for c, name in enumerate(names)}
    labels = np.zeros((len(findings), len(names)), dtype=bool)
    for row, cell in enumerate(findings):
        labels[row, [column[name] for name in cell if name != NO_FINDING]] = True
    _, group_index = np.unique(
        np.asarray(table.column("Patient ID").to_pylist()), return_inverse=True
    )
    sizes = np.bincount(group_index)
    counts = np.stack(
        [np.bincount(group_index[labels[:, c]], minlength=sizes.size) for c in range(len(names))],
        axis=1,
    )
    return NihCounts(labels, group_index.astype(np.int64), counts.astype(np.int64), sizes)
