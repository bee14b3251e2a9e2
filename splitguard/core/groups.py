"""Group keys to group numbers: rows that share a value in ANY group column are one group.

With several group columns (patient, study, file hash), groups are the connected
components of the graph whose nodes are key values and whose edges join the keys of
one row, so a leak through the second key still makes one group. Groups are numbered
in the sorted order of their names, so the numbering does not depend on row order.
A row with no key at all is a group of its own, named after its row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from splitguard.core.io.arrow import string_array

if TYPE_CHECKING:
    import pyarrow as pa

MISSING = "<missing>"

# Cells that mean "no key" in an id or group column, once trimmed of white space: the
# empty cell and the missing-value spellings pandas' `read_csv` reads as missing by
# default (exactly these, case as written), so a table that went through pandas keeps
# its missing keys missing instead of making one patient called "NaN". A float NaN
# (Parquet) is missing too. Other columns keep such cells as they are.
MISSING_KEYS = frozenset(
    {
        "",
        "#N/A",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "<NA>",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "None",
        "n/a",
        "nan",
        "null",
    }
)


def without_missing_keys(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """`column` with its missing-key cells (MISSING_KEYS, float NaN) as nulls; else as is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = column
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    if pa.types.is_floating(values.type):
        missing = pc.is_nan(values)
    elif pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        trimmed = pc.utf8_trim_whitespace(values)
        missing = pc.is_in(trimmed, value_set=string_array(sorted(MISSING_KEYS)).cast(values.type))
    else:
        return column
    if not pc.any(missing).as_py():
        return column
    return pc.if_else(missing, pa.scalar(None, values.type), values)


def group_rows(
    key_columns: Sequence[pa.Array | pa.ChunkedArray], *, row_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(group number per row, group names), from Arrow string columns of keys."""
    if not key_columns:
        names = np.array(
            [str(r) if r is not None else f"{MISSING} row {i + 1}" for i, r in enumerate(row_ids)],
            dtype=object,
        )
        return _number(*_codes_of(names))
    codes, keys = zip(*(_encode(column) for column in key_columns), strict=True)
    if len(key_columns) == 1:
        return _number(codes[0], keys[0])
    return _linked(list(codes), list(keys))


def _encode(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    from splitguard.core.labels import distinct

    codes, values = distinct(column)
    keys = np.array([str(v) for v in values], dtype=object)
    return codes, keys


def _codes_of(names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keys, codes = np.unique(names.astype(str), return_inverse=True)
    return codes.astype(np.int64), keys.astype(object)


def _number(codes: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber key codes in sorted key order; a null code (-1) becomes a group of its own."""
    nulls = np.flatnonzero(codes < 0)
    if len(nulls):
        keys = np.concatenate([keys, [f"{MISSING} row {i + 1}" for i in nulls]])
        codes = codes.copy()
        codes[nulls] = np.arange(len(keys) - len(nulls), len(keys))
    order = np.argsort(keys.astype(str), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[codes].astype(np.int64), keys[order]


def _linked(codes: list[np.ndarray], keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(codes[0])
    # Nodes: one per row (so a row with no key is still a component), then one per
    # (column, key value).
    offsets = np.cumsum([n] + [len(k) for k in keys])
    edge_rows = np.concatenate([np.flatnonzero(c >= 0) for c in codes])
    edge_keys = np.concatenate([c[c >= 0] + off for c, off in zip(codes, offsets, strict=False)])
    size = int(offsets[-1])
    graph = coo_matrix((np.ones(len(edge_rows), np.int8), (edge_rows, edge_keys)), (size, size))
    _, component = connected_components(graph, directed=False)
    row_component = component[:n]
    # A group's name: its smallest key in the first column that has one, so a group
    # keyed by patient keeps a patient id as its name.
    row_names = np.array([f"{MISSING} row {i + 1}" for i in range(n)], dtype=object)
    row_position = np.full(n, len(codes), dtype=np.int64)
    for position in reversed(range(len(codes))):
        prefix = "" if position == 0 else f"{position + 1}:"
        named = np.array([prefix + k for k in keys[position]], dtype=object)
        has = codes[position] >= 0
        row_names[has] = named[codes[position][has]]
        row_position[has] = position
    # Within a component: the earliest column first, then the smallest name.
    order = np.lexsort((row_names.astype(str), row_position, row_component))
    starts = order[np.r_[True, np.diff(row_component[order]) != 0]]
    component_name = np.empty(int(row_component.max()) + 1, dtype=object)
    component_name[row_component[starts]] = row_names[starts]
    return _number(*_codes_of(component_name[row_component]))
