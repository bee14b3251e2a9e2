"""`import splitguard` stays light: a pre-commit hook pays it on every commit."""

from __future__ import annotations

import subprocess
import sys


def test_import_loads_no_heavy_module() -> None:
    heavy = "{'numpy', 'pyarrow', 'pandas', 'pandera', 'click', 'rich'}"
    code = f"import sys, splitguard; print(sorted({heavy} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_public_names_resolve() -> None:
    import splitguard

    for name in splitguard.__all__:
        assert getattr(splitguard, name) is not None, name
