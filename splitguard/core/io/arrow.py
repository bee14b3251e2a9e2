"""Arrow arrays to numpy without pyarrow's pandas bridge.

pyarrow's `to_numpy` goes through its pandas conversion layer, which imports pandas
(about 0.4 s): too much for a pre-commit hook. Integer codes are read from the
buffers directly; strings go through Python lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa


def int_values(array: pa.Array | pa.ChunkedArray, null: int = -1) -> np.ndarray:
    """An integer or boolean Arrow array as int64, nulls as `null`."""
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_boolean(array.type):
        array = array.cast(pa.int8())
    dtype = np.dtype(array.type.to_pandas_dtype())
    data = np.frombuffer(array.buffers()[1], dtype=dtype)[array.offset : array.offset + len(array)]
    values = data.astype(np.int64)
    if array.null_count:
        values[~valid_mask(array)] = null
    return values


def valid_mask(array: pa.Array) -> np.ndarray:
    """True where the array has a value."""
    bitmap = array.buffers()[0]
    if bitmap is None:
        return np.ones(len(array), dtype=bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return bits[array.offset : array.offset + len(array)].astype(bool)


def object_values(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Any Arrow array as an object array of Python values (None for null)."""
    values = np.empty(len(array), dtype=object)
    values[:] = array.to_pylist()
    return values


def index_array(indices: np.ndarray) -> pa.Array:
    """Row indices as an Arrow int64 array, built on the numpy buffer (no pandas)."""
    import pyarrow as pa

    values = np.ascontiguousarray(indices, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def string_array(values: Sequence[str]) -> pa.Array:
    """`values` as an Arrow string array, built on buffers (pa.array imports pandas)."""
    import pyarrow as pa

    encoded = [value.encode() for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(data) for data in encoded], out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    )


def constant_strings(value: str, length: int) -> pa.Array:
    """`length` copies of `value` as an Arrow string array (pa.scalar imports pandas)."""
    import pyarrow as pa

    data = value.encode()
    offsets = np.arange(length + 1, dtype=np.int32) * len(data)
    return pa.Array.from_buffers(
        pa.string(), length, [None, pa.py_buffer(offsets), pa.py_buffer(data * length)]
    )
