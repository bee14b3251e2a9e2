"""The 95% Wilson score interval: what a count of positives can tell about sensitivity.

With k of n positives detected, the measured sensitivity k/n has this interval; with
few positives (n = 4) it is too wide to compare models, the reason a test split needs
a minimum of positives per class.
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """(low, high) of the Wilson score interval; (0, 1) when there are no trials."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def sensitivity_interval(positives: int, sensitivity: float = 0.75) -> tuple[float, float]:
    """The interval of a measured `sensitivity` over `positives` positive rows."""
    return wilson_interval(round(sensitivity * positives), positives)
