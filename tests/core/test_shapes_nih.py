"""The NIH table in every label shape and input form gives the identical label frame.

Also the shapes real data sets arrive in, built from NIH: CheXpert-like wide columns with
-1 and blanks, a long tail of 190 classes, one row per annotation, ids that overflow
64-bit integers, and group keys that link patients transitively.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from splitguard.core.errors import LabelValueError
from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec

PREVALENCE = {  # /work/shared/data/README.md, in percent
    "Hernia": 0.20,
    "Pneumonia": 1.28,
    "Fibrosis": 1.50,
    "Edema": 2.05,
    "Emphysema": 2.24,
    "Cardiomegaly": 2.48,
    "Pleural_Thickening": 3.02,
    "Consolidation": 4.16,
    "Pneumothorax": 4.73,
    "Mass": 5.16,
    "Nodule": 5.65,
    "Atelectasis": 10.31,
    "Effusion": 11.88,
    "Infiltration": 17.74,
}
ID, PATIENT, LABELS = "Image Index", "Patient ID", "Finding Labels"
NONE = ("No Finding",)


def test_counts_match_the_data_readme(nih_frame: LabelFrame) -> None:
    assert nih_frame.n_rows == 112_120
    assert nih_frame.n_groups == 30_805
    assert set(nih_frame.classes) == set(PREVALENCE)
    share = dict(zip(nih_frame.classes, nih_frame.positives / nih_frame.n_rows * 100, strict=True))
    assert {name: round(float(value), 2) for name, value in share.items()} == PREVALENCE
    sizes = nih_frame.group_sizes
    assert (sizes.min(), np.median(sizes), sizes.max()) == (1, 1, 184)
    assert round(float(sizes.mean()), 1) == 3.6
    assert len(set(nih_frame.row_ids.tolist())) == 112_120


def same_labels(found: Any, expected: Any) -> bool:
    """The same canonical CSR: shape, row offsets and each row's sorted classes."""
    expected = expected.tocsr()
    expected.sort_indices()
    return bool(
        found.format == "csr"
        and found.has_canonical_format
        and found.shape == expected.shape
        and np.array_equal(found.indptr, expected.indptr)
        and np.array_equal(found.indices, expected.indices)
    )


def label_lists(frame: LabelFrame) -> list[list[str]]:
    rows, cols = np.nonzero(frame.labels.toarray())
    out: list[list[str]] = [[] for _ in range(frame.n_rows)]
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        out[row].append(frame.classes[col])
    return out


@pytest.fixture(scope="module")
def nih(nih_frame: LabelFrame) -> dict[str, object]:
    """Columns of the NIH frame as Python lists, for building the other shapes."""
    return {
        "ids": nih_frame.row_ids.tolist(),
        "patients": nih_frame.group_names[nih_frame.groups].tolist(),
        "lists": label_lists(nih_frame),
    }


@pytest.fixture(scope="module")
def shapes(nih: dict[str, object], nih_frame: LabelFrame, tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, tuple[object, LabelSpec]]:  # fmt: skip
    """Every shape and input form of the NIH table: name -> (inputs, spec)."""
    folder = tmp_path_factory.mktemp("nih-shapes")
    ids, patients = nih["ids"], nih["patients"]
    lists: list[list[str]] = nih["lists"]  # type: ignore[assignment]
    base = {ID: pa.array(ids, pa.string()), PATIENT: pa.array(patients, pa.string())}
    keys = {"id": ID, "group": (PATIENT,)}
    out: dict[str, tuple[object, LabelSpec]] = {}

    listed = pa.table({**base, LABELS: pa.array(lists, pa.list_(pa.string()))})
    pq.write_table(listed, folder / "list.parquet")
    out["list parquet"] = (folder / "list.parquet", LabelSpec(labels=LABELS, **keys))

    as_json = [json.dumps(row or list(NONE)) for row in lists]
    pacsv.write_csv(pa.table({**base, LABELS: as_json}), folder / "json.csv")
    out["json-list csv"] = (folder / "json.csv", LabelSpec(labels=LABELS, none=NONE, **keys))

    as_python = [repr(row) for row in lists]
    pq.write_table(pa.table({**base, LABELS: as_python}), folder / "python.parquet")
    out["python-list parquet"] = (folder / "python.parquet", LabelSpec(labels=LABELS, **keys))

    wide = {
        name: nih_frame.labels.toarray()[:, j].astype(np.int8)
        for j, name in enumerate(nih_frame.classes)
    }
    wide_table = pa.table({**base, **wide})
    with pa.CompressedOutputStream(str(folder / "wide.csv.gz"), "gzip") as stream:
        pacsv.write_csv(wide_table, stream)
    out["wide csv.gz"] = (folder / "wide.csv.gz", LabelSpec(label_cols=tuple(wide), **keys))
    (folder / "wide-dir").mkdir()
    for part, start in enumerate(range(0, len(ids), 40_000)):
        pq.write_table(
            wide_table.slice(start, 40_000), folder / "wide-dir" / f"part-{part}.parquet"
        )
    out["wide parquet dir (glob)"] = (
        folder / "wide-dir",
        LabelSpec(label_cols=("glob:[A-Z]*",), **keys),
    )

    long_rows = [(i, p, name) for i, p, row in zip(ids, patients, lists, strict=True)
                 for name in row or NONE]  # fmt: skip
    long_ids, long_patients, long_labels = (list(c) for c in zip(*long_rows, strict=True))
    long_table = pa.table({ID: long_ids, PATIENT: long_patients, "Finding": long_labels})
    pacsv.write_csv(long_table, folder / "long.csv")
    out["long csv"] = (folder / "long.csv", LabelSpec(long="Finding", none=NONE, **keys))

    delimited = pa.table({**base, LABELS: ["|".join(row) or NONE[0] for row in lists]})
    split_inputs = []
    for name, (start, stop) in {"train": (0, 80_000), "val": (80_000, 95_000),
                                "test": (95_000, len(ids))}.items():  # fmt: skip
        pacsv.write_csv(delimited.slice(start, stop - start), folder / f"{name}.csv")
        split_inputs.append((name, folder / f"{name}.csv"))
    nih_spec = LabelSpec(labels=LABELS, sep="|", none=NONE, **keys)
    out["split files"] = (split_inputs, nih_spec)

    split = np.where(np.arange(len(ids)) % 10 == 0, "test", "train")
    pq.write_table(delimited.append_column("split", pa.array(split)), folder / "split.parquet")
    out["split column"] = (
        folder / "split.parquet",
        LabelSpec(labels=LABELS, sep="|", none=NONE, split_col="split", **keys),
    )
    return out


SHAPES = [
    "list parquet",
    "json-list csv",
    "python-list parquet",
    "wide csv.gz",
    "wide parquet dir (glob)",
    "long csv",
    "split files",
    "split column",
]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_gives_the_identical_frame(
    shapes: dict[str, tuple[object, LabelSpec]], nih_frame: LabelFrame, shape: str
) -> None:
    inputs, spec = shapes[shape]
    frame = load_frame(inputs, spec)  # type: ignore[arg-type]
    assert frame.classes == nih_frame.classes
    assert frame.row_ids.tolist() == nih_frame.row_ids.tolist()
    assert same_labels(frame.labels, nih_frame.labels)
    assert np.array_equal(frame.groups, nih_frame.groups)
    assert frame.group_names.tolist() == nih_frame.group_names.tolist()
    if shape.startswith("split"):
        assert frame.splits is not None and len(frame.splits) == frame.n_rows


# --- CheXpert-like: wide 0/1 with -1 (uncertain) and blanks ----------------------------


def test_chexpert_like_uncertain_and_blank_policies(
    nih: dict[str, object], nih_frame: LabelFrame, tmp_path: Path
) -> None:
    rng = np.random.default_rng(7)
    truth = nih_frame.labels.toarray()
    draw = rng.random(truth.shape)
    uncertain, blank = draw < 0.03, (draw >= 0.03) & (draw < 0.08)
    columns = {}
    for j, name in enumerate(nih_frame.classes):
        values = truth[:, j].astype(np.int8)
        values[uncertain[:, j]] = -1
        columns[name] = pa.array(values, mask=blank[:, j])
    path = tmp_path / "chexpert.csv"
    pacsv.write_csv(pa.table({ID: nih["ids"], **columns}), path)
    assert ",-1," in path.read_text()[:100_000] and ",," in path.read_text()[:100_000]

    def load(**policy: str) -> np.ndarray:
        spec = LabelSpec(label_cols=("glob:*",), id=ID, **policy)
        frame = load_frame(path, spec)
        assert frame.classes == nih_frame.classes
        return frame.labels.toarray()

    known = truth & ~uncertain & ~blank
    assert np.array_equal(load(uncertain="negative", blank="negative"), known)
    assert np.array_equal(load(uncertain="positive", blank="negative"), known | uncertain)
    with pytest.raises(LabelValueError, match=r"--uncertain|--blank"):
        load()
    with pytest.raises(LabelValueError, match="--blank negative"):
        load(uncertain="negative")
    with pytest.raises(LabelValueError, match="--uncertain negative"):
        load(blank="negative")


# --- a long tail of 190 classes --------------------------------------------------------


def test_long_tail_of_190_list_classes(nih: dict[str, object], tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    lists = [list(row) for row in nih["lists"]]  # type: ignore[attr-defined]
    rare_counts = {}
    for k in range(176):
        name = f"rare_{k:03d}"
        rows = rng.choice(len(lists), size=int(rng.integers(1, 40)), replace=False)
        for row in rows.tolist():
            lists[row].append(name)
        rare_counts[name] = len(rows)
    path = tmp_path / "tail.parquet"
    column = pa.array([row or list(NONE) for row in lists], pa.list_(pa.string()))
    pq.write_table(pa.table({ID: nih["ids"], LABELS: column}), path)
    frame = load_frame(path, LabelSpec(labels=LABELS, none=NONE, id=ID))
    assert frame.n_classes == 190
    counts = dict(zip(frame.classes, frame.positives.tolist(), strict=True))
    assert {name: counts[name] for name in rare_counts} == rare_counts
    assert round(counts["Hernia"] / frame.n_rows * 100, 2) == PREVALENCE["Hernia"]
    empty = np.array([not row for row in lists])
    assert (
        empty.sum() > 50_000 and not frame.labels.toarray()[empty].any()
    )  # "No Finding": no label
    assert "No Finding" not in frame.classes


# --- long: one row per annotation, repeated and out of order ---------------------------


def test_long_annotations_shuffled_and_repeated(
    nih: dict[str, object], nih_frame: LabelFrame, tmp_path: Path
) -> None:
    lists: list[list[str]] = nih["lists"]  # type: ignore[assignment]
    rows = [
        (i, p, name)
        for i, p, row in zip(nih["ids"], nih["patients"], lists, strict=True)  # type: ignore[call-overload]
        for name in row or NONE
    ]
    rng = np.random.default_rng(3)
    rows = rows + [rows[k] for k in rng.choice(len(rows), 5_000).tolist()]  # a reader said it twice
    order = rng.permutation(len(rows))
    ids, patients, findings = (list(c) for c in zip(*(rows[k] for k in order), strict=True))
    path = tmp_path / "long.parquet"
    pq.write_table(pa.table({"image": ids, "patient": patients, "finding": findings}), path)
    frame = load_frame(path, LabelSpec(long="finding", id="image", group=("patient",), none=NONE))
    assert frame.n_rows == 112_120 and frame.n_groups == 30_805
    position = {item: k for k, item in enumerate(nih_frame.row_ids.tolist())}
    back = np.array([position[item] for item in frame.row_ids.tolist()])
    assert frame.classes == nih_frame.classes
    assert same_labels(frame.labels, nih_frame.labels[back])
    assert frame.row_of_record.max() == frame.n_rows - 1


# --- ids that overflow 64-bit integers, and leading zeros ------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_ids_overflowing_int64_and_leading_zeros(
    nih: dict[str, object], nih_frame: LabelFrame, tmp_path: Path, suffix: str
) -> None:
    patients = [int(p) for p in nih["patients"]]  # type: ignore[attr-defined]
    # Patients 1..15000 as "000123", the rest as their number minus 15000: "000123" and
    # "123" are two patients, and must stay two groups.
    keys = [f"{p:06d}" if p <= 15_000 else str(p - 15_000) for p in patients]
    assert "000123" in keys and "123" in keys
    images = [f"123456789012345678901234{k:06d}" for k in range(len(keys))]
    cells = ["|".join(r) or NONE[0] for r in nih["lists"]]  # type: ignore[attr-defined]
    table = pa.table({"image": images, "patient": keys, "labels": cells})
    path = tmp_path / f"ids{suffix}"
    if suffix == ".csv":
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
        assert path.read_text().splitlines()[1].startswith("123456789012345678901234000000,")
    else:
        pq.write_table(table, path)
    spec = LabelSpec(labels="labels", sep="|", none=NONE, id="image", group=("patient",))
    frame = load_frame(path, spec)
    assert frame.row_ids.tolist() == images
    assert frame.n_groups == 30_805
    assert frame.group_names[frame.groups].tolist() == keys
    assert same_labels(frame.labels, nih_frame.labels)


# --- several group columns linking transitively ----------------------------------------


def test_group_columns_link_patients_transitively(
    nih: dict[str, object], nih_frame: LabelFrame, tmp_path: Path
) -> None:
    patients: list[str] = list(nih["patients"])  # type: ignore[call-overload]
    studies = [f"S{p}-{k % 3}" for k, p in enumerate(patients)]
    hashes = [f"h{k}" for k in range(len(patients))]
    first_row = {}
    for k, p in enumerate(patients):
        first_row.setdefault(p, k)
    a, b, c, d, e = (first_row[p] for p in ("1", "2", "3", "4", "5"))
    studies[b] = studies[a]  # A shares a study with B
    hashes[c] = hashes[b]  # B shares a file with C: A, B and C are one group
    hashes[e] = hashes[d]  # D and E: another
    path = tmp_path / "keys.csv"
    cells = ["|".join(r) or NONE[0] for r in nih["lists"]]  # type: ignore[attr-defined]
    table = pa.table(
        {ID: nih["ids"], PATIENT: patients, "study": studies, "sha256": hashes, LABELS: cells}
    )
    pacsv.write_csv(table, path)
    spec = LabelSpec(labels=LABELS, sep="|", none=NONE, id=ID, group=(PATIENT, "study", "sha256"))
    frame = load_frame(path, spec)
    assert frame.n_groups == 30_805 - 3
    group_of = dict(zip(patients, frame.groups.tolist(), strict=True))
    assert group_of["1"] == group_of["2"] == group_of["3"]
    assert group_of["4"] == group_of["5"] != group_of["1"]
    assert frame.group_names[group_of["3"]] == "1"
    same = frame.groups == group_of["1"]
    assert set(np.array(patients, dtype=object)[same]) == {"1", "2", "3"}
