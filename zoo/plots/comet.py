"""COMET's figures: the mechanism x ground-truth-type heatmap and the adaptation curve."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import torch

from zoo.io import atomic_path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")


def mechanism_heatmap(table: torch.Tensor, type_names: Sequence[str], path: Path, title: str) -> None:
    """Row-normalised (mechanism, type) counts: which types each mechanism wins on.

    Types that never occur are left out; each cell shows the fraction of the type's entries.
    """
    plt = _pyplot()
    present = [k for k in range(table.shape[1]) if table[:, k].sum() > 0]
    counts = table[:, present]
    frac = (counts / counts.sum(dim=0, keepdim=True).clamp_min(1)).numpy()
    fig, ax = plt.subplots(figsize=(1.4 + 1.1 * len(present), 1.2 + 0.55 * table.shape[0]))
    im = ax.imshow(frac, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for (m, k), v in np.ndenumerate(frac):
        ax.text(k, m, f"{v:.2f}", ha="center", va="center", color="white" if v < 0.6 else "black", fontsize=8)
    ax.set_xticks(range(len(present)), [type_names[k] for k in present], rotation=30, ha="right")
    ax.set_yticks(range(table.shape[0]), [f"mechanism {m}" for m in range(table.shape[0])])
    ax.set_xlabel("ground-truth interaction type")
    ax.set_ylabel("winning mechanism")
    ax.set_title(title, fontsize=10)
    fig.colorbar(im, ax=ax, label="fraction of the type's (object, step)s")
    _save(fig, path)
    plt.close(fig)


def adaptation_curve(curves: Mapping[str, Mapping[float, float]], path: Path, title: str,
                     ylabel: str = "one-step error (test)") -> None:
    """Error against the fraction of adaptation data, one line per method (log-log axes)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for name, points in curves.items():
        xs = sorted(points)
        ax.plot([100 * x for x in xs], [points[x] for x in xs], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("adaptation data used (% of the target's training trajectories)")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    _save(fig, path)
    plt.close(fig)
