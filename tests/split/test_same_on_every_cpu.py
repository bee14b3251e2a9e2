"""The same table, request and seed give the same split on every CPU.

numpy picks its sorting and selection kernels by the instructions it finds (AVX2,
AVX-512, ...), and an unstable sort or ``np.argpartition`` may order equal values
differently under each. The splitter must not depend on that order: here numpy is made
to run the NIH demo's split with each of its CPU feature levels switched off in turn
(``NPY_DISABLE_CPU_FEATURES``), in fresh processes, and every run must give the same
rows to the same splits.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

SPLIT_AND_HASH = """
import hashlib
import numpy as np
from splitguard.core.example import NIH_SPEC, example_path
from splitguard.core.load import load_frame
from splitguard.split.assign import SplitRequest, split_frame
from splitguard.split.stratify import assign_groups

nih = load_frame(example_path(), NIH_SPEC)
request = SplitRequest(
    fractions={"train": 0.8, "val": 0.1, "test": 0.1}, min_positives={"val": 20, "test": 20}
)
rows = split_frame(nih, request).frame.splits
groups = assign_groups(
    nih.group_label_counts, nih.group_sizes, [0.8, 0.1, 0.1], min_positives=[0, 20, 20]
).group_split
for array in (rows, groups):
    print(hashlib.sha256(np.ascontiguousarray(array, dtype=np.int32).tobytes()).hexdigest())
"""


def _dispatched_features() -> list[str]:
    """The CPU features numpy found here beyond its baseline, lowest level first."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy < 2
        from numpy.core import _multiarray_umath as umath  # type: ignore[no-redef]
    return [f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f)]


def _split_with(disabled: list[str]) -> str:
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(disabled)}
    done = subprocess.run(
        [sys.executable, "-c", SPLIT_AND_HASH], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_nih_split_is_the_same_whatever_instructions_numpy_uses() -> None:
    features = _dispatched_features()
    if not features:
        pytest.skip(f"numpy {np.__version__} finds no CPU features beyond its baseline here")
    # Switch off the top levels one at a time: all found, then without the highest, ...,
    # down to the baseline alone.
    levels = [features[cut:] for cut in range(len(features), -1, -1)]
    results = {" ".join(disabled) or "(none)": _split_with(disabled) for disabled in levels}
    assert len(set(results.values())) == 1, results
