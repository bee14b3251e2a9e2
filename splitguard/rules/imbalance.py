"""Imbalance rules (SG4xx): which classes are rare enough to need a weighted loss?"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from splitguard.core.options import IMBALANCE_THRESHOLD
from splitguard.core.wording import percent
from splitguard.lint.findings import Finding, Severity
from splitguard.rules.base import Context, Rule


class RareClass(Rule):
    """A class is rarer than the imbalance threshold.

    ## What it does
    Reports every class whose positive rows are a smaller share of the table than
    `imbalance-threshold` (1% by default), with the weighted-loss weights that balance
    it: w_pos = freq_neg and w_neg = freq_pos, and pos_weight = negatives / positives.
    More than 20 rare classes make one finding that names the rarest and lists them all
    (`classes` in json and sarif).

    ## Why it matters
    Trained with an unweighted loss, a model can score 99.8% accuracy on a class of
    0.2% prevalence by never predicting it. The weights make each class's positives and
    negatives count the same.

    ## Example
    NIH ChestX-ray14: `SG401 Hernia is 0.20% of rows (227 of 112,120): w_pos = 0.9980,
    w_neg = 0.0020, pos_weight = 492.9.`

    ## Options
    `imbalance-threshold`.

    ## Fix
    Weight the loss (`splitguard stats --weights-out weights.json` writes the weights),
    or sample the class up; silence the rule for a class with `per-class-ignores`.
    """

    code = "SG401"
    name = "rare-class"
    family = "imbalance"
    severity: ClassVar[Severity] = "info"
    options = (IMBALANCE_THRESHOLD,)
    class_list = "{classes} are under the imbalance threshold (positive rows, rarest first)"
    reads = "counts"

    def check(self, context: Context) -> Iterator[Finding]:
        threshold = context.option(IMBALANCE_THRESHOLD)
        counts = context.counts
        positives = counts.positives
        n_rows = max(1, counts.n_rows)
        freq_pos = positives / n_rows
        for label in np.flatnonzero((freq_pos < threshold) & (positives > 0)):
            count = int(positives[label])
            pos_weight = (n_rows - count) / count
            yield self.finding(
                f"{counts.classes[label]} is {percent(freq_pos[label], 2)} of rows ({count:,} of "
                f"{n_rows:,}), under the threshold of {threshold:.2%}: w_pos = "
                f"{1 - freq_pos[label]:.4f}, w_neg = {freq_pos[label]:.4f}, pos_weight = "
                f"{pos_weight:,.1f}.",
                label=counts.classes[label],
                n_rows=count,
                count=count,
            )


RULES: list[type[Rule]] = [RareClass]
