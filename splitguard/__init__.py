"""splitguard: lint multi-label label tables and build leak-free, coverage-aware splits.

The import is kept light (a pre-commit hook pays it on every commit): the heavy
modules load on first use of the names below.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from splitguard.app.api import fix, split
    from splitguard.app.check import check
    from splitguard.app.stats import stats
    from splitguard.core.class_stats import ClassStats, class_stats
    from splitguard.core.errors import SplitguardError, SplitguardWarning
    from splitguard.core.example import example_path, load_example
    from splitguard.core.frame import LabelFrame
    from splitguard.core.load import load_frame
    from splitguard.core.spec import LabelSpec
    from splitguard.split.sklearn_api import (
        MultilabelStratifiedGroupKFold,
        MultilabelStratifiedGroupSplit,
    )

_LAZY = {
    "split": "splitguard.app.api",
    "fix": "splitguard.app.api",
    "SplitguardError": "splitguard.core.errors",
    "SplitguardWarning": "splitguard.core.errors",
    "LabelFrame": "splitguard.core.frame",
    "LabelSpec": "splitguard.core.spec",
    "load_frame": "splitguard.core.load",
    "load_example": "splitguard.core.example",
    "example_path": "splitguard.core.example",
    "ClassStats": "splitguard.core.class_stats",
    "class_stats": "splitguard.core.class_stats",
    "MultilabelStratifiedGroupKFold": "splitguard.split.sklearn_api",
    "MultilabelStratifiedGroupSplit": "splitguard.split.sklearn_api",
    "check": "splitguard.app.check",
    "stats": "splitguard.app.stats",
}

__all__ = [  # noqa: RUF022 - the order of _LAZY
    "__version__",
    "split",
    "fix",
    "SplitguardError",
    "SplitguardWarning",
    "LabelFrame",
    "LabelSpec",
    "load_frame",
    "load_example",
    "example_path",
    "ClassStats",
    "class_stats",
    "MultilabelStratifiedGroupKFold",
    "MultilabelStratifiedGroupSplit",
    "check",
    "stats",
]


class _Package(types.ModuleType):
    """The package module; `splitguard.split` stays the function `split`.

    Importing the subpackage `splitguard.split` (as a run does) would bind it here under
    the same name, and the function would turn into a module after its first call. The
    subpackage is still imported by its full name (`from splitguard.split.assign import
    ...`), which reads it from `sys.modules`, never from this attribute.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "split" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'splitguard' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
