"""A sweep's results per setting: every metric's mean over the seeds with its 95% confidence interval.

Only ``ok`` runs count; failed runs are counted. Wall time (``wall_s``) is summarised like a metric.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from zoo.sweep.stats import Estimate, estimate
from zoo.sweep.table import RunRow


@dataclass(frozen=True)
class SettingSummary:
    """One setting of a sweep (a spec and what the point varies): its seeds, failures and estimates."""

    spec: str
    setting: str
    seeds: tuple[int, ...]
    failed: int
    metrics: dict[str, Estimate]
    values: dict[str, list[tuple[int, float]]]  # each metric's (seed, value) per run

    @property
    def label(self) -> str:
        return f"{self.spec} {self.setting}" if self.setting != "-" else self.spec


def summarize(rows: list[RunRow]) -> list[SettingSummary]:
    """One summary per (spec, setting), in the table's order; metrics over the ``ok`` runs, by seed."""
    groups: dict[tuple[str, str], list[RunRow]] = {}
    for r in rows:
        groups.setdefault((r.spec, r.setting), []).append(r)
    out = []
    for (spec, setting), group in groups.items():
        ok = sorted((r for r in group if r.status == "ok"), key=lambda r: r.seed)
        values: dict[str, list[tuple[int, float]]] = {}
        for r in ok:
            for name, value in {**r.metrics, **({"wall_s": r.wall_s} if r.wall_s is not None else {})}.items():
                values.setdefault(name, []).append((r.seed, value))
        estimates = {name: estimate([v for _, v in pairs]) for name, pairs in sorted(values.items())}
        out.append(SettingSummary(spec, setting, tuple(r.seed for r in ok), len(group) - len(ok), estimates,
                                  dict(sorted(values.items()))))
    return out


def summary_csv(summaries: list[SettingSummary]) -> str:
    """``spec, setting, metric, n, mean, ci95_low, ci95_high`` (empty bounds for a single seed)."""
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(["spec", "setting", "metric", "n", "mean", "ci95_low", "ci95_high"])
    for s in summaries:
        for name, e in s.metrics.items():
            bounds = ["", ""] if math.isnan(e.half_width) else [repr(e.low), repr(e.high)]
            w.writerow([s.spec, s.setting, name, e.n, repr(e.mean), *bounds])
    return text.getvalue()
