"""`import splitguard` stays light: a pre-commit hook and a notebook pay it on every start."""

from __future__ import annotations

import subprocess
import sys

import pytest

import splitguard

CODE = "import sys, splitguard; print(' '.join(sorted(sys.modules)))"


def test_import_loads_no_module_of_splitguard_or_a_heavy_library() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], check=True, capture_output=True, text=True)
    loaded = set(done.stdout.split())
    assert {m for m in loaded if m.startswith("splitguard")} == {"splitguard"}
    heavy = {"numpy", "pyarrow", "pandas", "click", "rich", "pandera", "matplotlib", "sklearn"}
    assert {m.split(".")[0] for m in loaded} & heavy == set()


@pytest.mark.parametrize("name", splitguard.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(splitguard, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'spilt'"):
        splitguard.spilt  # noqa: B018 - the access is the test
