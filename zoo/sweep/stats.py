"""Means over seeds with 95% confidence intervals (Student t with n - 1 degrees of freedom)."""

from __future__ import annotations

import math
from dataclasses import dataclass

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A mean over ``n`` seeds and the half-width of its confidence interval (NaN for one seed)."""

    n: int
    mean: float
    half_width: float

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t distribution with ``df`` degrees of freedom."""
    from scipy.stats import t

    return float(t.ppf(p, df))


def estimate(values: list[float], level: float = LEVEL) -> Estimate:
    """The mean of ``values`` (summed in order) and the half-width ``t * s / sqrt(n)`` of its ``level``
    confidence interval, ``s`` the sample standard deviation; NaN half-width for fewer than two values."""
    n = len(values)
    if n == 0:
        return Estimate(0, math.nan, math.nan)
    mean = sum(values) / n
    if n < 2:
        return Estimate(n, mean, math.nan)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return Estimate(n, mean, t_quantile(0.5 + level / 2, n - 1) * sd / math.sqrt(n))
