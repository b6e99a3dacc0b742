"""One PNG per metric of a sweep: each setting's seeds as points, their mean and 95% confidence interval."""

from __future__ import annotations

import math
import re
from pathlib import Path

from zoo.io import atomic_path
from zoo.sweep.summary import SettingSummary


def plot_name(index: int, metric: str) -> str:
    """A safe file name for a metric's plot (metric names come from a file; they never choose a path)."""
    return f"{index:02d}-{re.sub(r'[^A-Za-z0-9_-]', '_', metric)[:60]}.png"


def write_plots(summaries: list[SettingSummary], out: Path) -> dict[str, str]:
    """Write every metric's plot into ``out``; the file name of each metric's plot."""
    metrics = sorted({m for s in summaries for m in s.metrics})
    files = {}
    for i, metric in enumerate(metrics):
        files[metric] = plot_name(i, metric)
        _plot(metric, [s for s in summaries if metric in s.metrics], out / files[metric])
    return files


def _plot(metric: str, summaries: list[SettingSummary], path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(max(4.0, 1.1 * len(summaries) + 2), 3.6), layout="constrained")
    ax = fig.subplots()
    for x, s in enumerate(summaries):
        pairs = s.values[metric]
        offsets = [0.0] if len(pairs) == 1 else [0.3 * (k / (len(pairs) - 1) - 0.5) for k in range(len(pairs))]
        ax.scatter([x + d for d in offsets], [v for _, v in pairs], s=16, color="tab:blue", alpha=0.7,
                   label="seeds" if x == 0 else None, zorder=2)
        e = s.metrics[metric]
        err = None if math.isnan(e.half_width) else [[e.half_width], [e.half_width]]
        ax.errorbar([x], [e.mean], yerr=err, fmt="_", markersize=18, color="black", capsize=6,
                    label="mean, 95% CI" if x == 0 else None, zorder=3)
    ax.set_xticks(range(len(summaries)), [_wrap(s.label) for s in summaries], fontsize=7,
                  rotation=20 if len(summaries) > 3 else 0, ha="right" if len(summaries) > 3 else "center")
    ax.set_xlim(-0.6, len(summaries) - 0.4)
    ax.set_ylabel(metric)
    ax.set_title(metric, fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)


def _wrap(label: str, width: int = 28) -> str:
    words, lines, line = label.split(" "), [], ""
    for w in words:
        if line and len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join(lines + [line])
