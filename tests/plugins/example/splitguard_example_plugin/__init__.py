"""An example third-party rule package: installing it adds XP101 to `splitguard check`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule


class ClassInOneGroup(Rule):
    """A class's positives all come from one group (patient).

    ## What it does
    Reports every class whose positive rows all belong to a single group.

    ## Why it matters
    A model learns that patient, not the finding.

    ## Example
    `XP101 class 'Hernia' has positives from one group only.`

    ## Options
    None.

    ## Fix
    Gather positives from more patients.
    """

    code = "XP101"
    name = "class-in-one-group"
    family = "example"
    severity: ClassVar[Severity] = "warning"

    def check(self, context: Context) -> Iterator[Finding]:
        groups_per_class = np.count_nonzero(context.frame.group_label_counts, axis=0)
        for label in np.flatnonzero(groups_per_class == 1):
            name = context.frame.classes[int(label)]
            yield self.finding(f"class {name!r} has positives from one group only.", label=name)


RULES = [ClassInOneGroup]
