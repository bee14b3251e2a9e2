"""splitguard: lint multi-label label tables and build leak-free, coverage-aware splits.

The import is kept light (a pre-commit hook pays it on every commit): the heavy
modules load on first use of the names below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from splitguard.app.check import check
    from splitguard.app.stats import stats
    from splitguard.core.class_stats import ClassStats, class_stats
    from splitguard.core.errors import SplitguardError
    from splitguard.core.example import load_example
    from splitguard.core.frame import LabelFrame
    from splitguard.core.load import load_frame
    from splitguard.core.spec import LabelSpec

_LAZY = {
    "SplitguardError": "splitguard.core.errors",
    "LabelFrame": "splitguard.core.frame",
    "LabelSpec": "splitguard.core.load",
    "load_frame": "splitguard.core.load",
    "load_example": "splitguard.core.example",
    "ClassStats": "splitguard.core.class_stats",
    "class_stats": "splitguard.core.class_stats",
    "check": "splitguard.app.check",
    "stats": "splitguard.app.stats",
}

__all__ = [  # noqa: RUF022 - the order of _LAZY
    "__version__",
    "SplitguardError",
    "LabelFrame",
    "LabelSpec",
    "load_frame",
    "load_example",
    "ClassStats",
    "class_stats",
    "check",
    "stats",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'splitguard' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
