"""A seeded tagging table: many classes, a long tail, a few labels per row, groups of 4.

    .venv/bin/python bench/tagging_data.py --rows 200000 --classes 1000 --out tags.parquet
    .venv/bin/python bench/tagging_data.py --preset padchest --out padchest.parquet
    .venv/bin/python bench/tagging_data.py --rows 10000000 --classes 50 --wide --out wide.parquet

The shape (issue 11): N rows; N/4 patients of 4 rows each, the rows dealt to patients at
random; C classes whose popularity follows Zipf(1.1) (class k drawn with probability
proportional to k^-1.1); each row draws Poisson(2) + 1 labels (a repeated draw collapses,
so a row may end with fewer). The Parquet file holds ``id``, ``patient`` and ``labels``
(``list<string>``), or with ``--wide`` one 0/1 column per class. `tagging_table` gives
the same table in memory: the labels as a scipy.sparse CSR matrix (rows x classes),
never a dense one.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

ROWS_PER_GROUP = 4
ZIPF_EXPONENT = 1.1
MEAN_EXTRA_LABELS = 2.0
# The PadChest-like list table of the issue: 192 findings over 160k images.
PRESETS = {"padchest": (160_000, 192)}


@dataclass(frozen=True, slots=True)
class TaggingTable:
    """Row labels (CSR, rows x classes, bool), each row's group, and the class names."""

    labels: sp.csr_matrix
    group_index: npt.NDArray[np.int64]
    classes: tuple[str, ...]

    @property
    def n_groups(self) -> int:
        return int(self.group_index.max(initial=-1)) + 1


def tagging_table(n_rows: int, n_classes: int, seed: int = 0) -> TaggingTable:
    """The table of the module, built in O(N + labels + C) memory."""
    rng = np.random.default_rng(seed)
    group_index = rng.permutation(np.arange(n_rows, dtype=np.int64) // ROWS_PER_GROUP)
    popularity = np.arange(1, n_classes + 1, dtype=np.float64) ** -ZIPF_EXPONENT
    wanted = rng.poisson(MEAN_EXTRA_LABELS, size=n_rows) + 1
    drawn = rng.choice(n_classes, size=int(wanted.sum()), p=popularity / popularity.sum())
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), wanted)
    # Sorted unique (row, class) codes: repeats collapse, and each row's classes come sorted.
    codes = np.unique(rows * n_classes + drawn)
    row, column = np.divmod(codes, n_classes)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=n_rows))])
    labels = sp.csr_matrix(
        (np.ones(codes.size, dtype=bool), column.astype(np.int32), indptr), (n_rows, n_classes)
    )
    width = len(str(n_classes - 1))
    classes = tuple(f"class-{k:0{width}d}" for k in range(n_classes))
    return TaggingTable(labels, group_index, classes)


def write_parquet(table: TaggingTable, path: Path) -> None:
    """``id``, ``patient`` and ``labels`` (list<string>) columns, written atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = pa.array(table.classes, pa.string())
    values = names.take(pa.array(table.labels.indices))
    labels = pa.ListArray.from_arrays(pa.array(table.labels.indptr.astype(np.int32)), values)
    n_rows = table.labels.shape[0]
    arrow = pa.table(
        {
            "id": pa.array([f"img-{i:08d}" for i in range(n_rows)]),
            "patient": pa.array([f"p{g:07d}" for g in table.group_index.tolist()]),
            "labels": labels,
        }
    )
    partial = path.with_name(path.name + ".partial")
    pq.write_table(arrow, partial)
    partial.replace(path)


def write_wide_parquet(table: TaggingTable, path: Path) -> None:
    """``id``, ``patient`` and one int8 0/1 column per class (the wide shape), written
    atomically, a column at a time (never a rows x classes array)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    n_rows = table.labels.shape[0]
    by_class = table.labels.tocsc()
    columns: dict[str, pa.Array] = {
        "id": pa.array([f"img-{i:08d}" for i in range(n_rows)]),
        "patient": pa.array([f"p{g:07d}" for g in table.group_index.tolist()]),
    }
    for k, name in enumerate(table.classes):
        flags = np.zeros(n_rows, dtype=np.int8)
        flags[by_class.indices[by_class.indptr[k] : by_class.indptr[k + 1]]] = 1
        columns[name] = pa.array(flags)
    partial = path.with_name(path.name + ".partial")
    pq.write_table(pa.table(columns), partial)
    partial.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), help="rows and classes of a preset")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--classes", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="Parquet file to write")
    parser.add_argument(
        "--wide", action="store_true", help="one 0/1 column per class instead of a list column"
    )
    args = parser.parse_args()
    n_rows, n_classes = PRESETS[args.preset] if args.preset else (args.rows, args.classes)
    if n_rows < 1 or n_classes < 1:
        parser.error(f"--rows and --classes must be at least 1, got {n_rows} and {n_classes}")
    table = tagging_table(n_rows, n_classes, args.seed)
    (write_wide_parquet if args.wide else write_parquet)(table, args.out)
    print(
        f"{args.out}: {n_rows} rows, {table.n_groups} patients, {n_classes} classes, "
        f"{table.labels.nnz} labels (seed {args.seed})"
    )


if __name__ == "__main__":
    main()
