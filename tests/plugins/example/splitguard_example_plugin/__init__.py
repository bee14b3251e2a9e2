"""An example third-party rule package: installing it adds XP101 to `splitguard check`.

XP101 owns an option, `xp-min-groups`: declared here, it is a config key
(`xp-min-groups = 3` in `[tool.splitguard]`), a `--config xp-min-groups=3` on the
command line and a `config={"xp-min-groups": 3}` in the Python API.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from splitguard.core.options import Option, count
from splitguard.lint.findings import Finding, Severity, counted
from splitguard.rules.base import Context, Rule

MIN_GROUPS = Option(
    "xp-min-groups",
    "Fewest groups (patients) a class's positives must come from (XP101).",
    count,
    2,
    "N",
)


class ClassInOneGroup(Rule):
    """A class's positives come from too few groups (patients): one, by default.

    ## What it does
    Reports every class whose positive rows come from fewer than `xp-min-groups` groups.

    ## Why it matters
    A model learns that patient, not the finding.

    ## Example
    `XP101 class 'Hernia' has positives from 1 group only (xp-min-groups 2).`

    ## Options
    `xp-min-groups` (2): the fewest groups a class's positives must come from.

    ## Fix
    Gather positives from more patients.
    """

    code = "XP101"
    name = "class-in-one-group"
    family = "example"
    severity: ClassVar[Severity] = "warning"
    options = (MIN_GROUPS,)

    def check(self, context: Context) -> Iterator[Finding]:
        fewest = context.option(MIN_GROUPS)
        groups_per_class = context.frame.positive_groups
        for label in np.flatnonzero((groups_per_class > 0) & (groups_per_class < fewest)):
            name = context.frame.classes[int(label)]
            groups = counted(int(groups_per_class[label]), "group")
            yield self.finding(
                f"class {name!r} has positives from {groups} only (xp-min-groups {fewest}).",
                label=name,
            )


RULES = [ClassInOneGroup]
