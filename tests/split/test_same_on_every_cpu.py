"""The same table, request and seed give the same split on every CPU.

numpy picks its sorting and selection kernels by the instructions it finds (AVX2,
AVX-512, ...), and an unstable sort or ``np.argpartition`` may order equal values
differently under each. The splitter must not depend on that order: here the NIH tests
of test_sparse_split.py, which compare splits with their recorded hashes, run again in
fresh processes with numpy's CPU feature levels switched off one at a time
(``NPY_DISABLE_CPU_FEATURES``). This process runs them with every level on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORDED = "tests/split/test_sparse_split.py"


def _dispatched_features() -> list[str]:
    """The CPU features numpy found here beyond its baseline, lowest level first."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy < 2
        from numpy.core import _multiarray_umath as umath  # type: ignore[no-redef]
    return [f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f)]


def test_the_nih_splits_match_their_recorded_hashes_whatever_instructions_numpy_uses() -> None:
    features = _dispatched_features()
    if not features:
        pytest.skip(f"numpy {np.__version__} finds no CPU features beyond its baseline here")
    # Without the highest level, then without the two highest, ..., down to the baseline.
    for cut in range(len(features) - 1, -1, -1):
        disabled = " ".join(features[cut:])
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", RECORDED, "-k", "nih"],
            cwd=ROOT,
            env={**os.environ, "NPY_DISABLE_CPU_FEATURES": disabled},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"with {disabled} off:\n{done.stdout[-3000:]}"
