"""COMET's figures: the mechanism x ground-truth-type heatmap and rollouts."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from zoo.plots.figure import new_figure, save_png


def mechanism_heatmap(table: torch.Tensor, type_names: Sequence[str], path: Path, title: str) -> None:
    """Row-normalised (mechanism, type) counts: which types each mechanism wins on.

    Types that never occur are left out; each cell shows the fraction of the type's entries. Nothing is drawn
    when no type occurs (a data file without ground-truth types).
    """
    present = [k for k in range(table.shape[1]) if table[:, k].sum() > 0]
    if not present:
        return
    counts = table[:, present]
    frac = (counts / counts.sum(dim=0, keepdim=True).clamp_min(1)).numpy()
    fig = new_figure(1.4 + 1.1 * len(present), 1.2 + 0.55 * table.shape[0])
    ax = fig.subplots()
    im = ax.imshow(frac, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for (m, k), v in np.ndenumerate(frac):
        ax.text(k, m, f"{v:.2f}", ha="center", va="center", color="white" if v < 0.6 else "black", fontsize=8)
    ax.set_xticks(range(len(present)), [type_names[k] for k in present], rotation=30, ha="right")
    ax.set_yticks(range(table.shape[0]), [f"mechanism {m}" for m in range(table.shape[0])])
    ax.set_xlabel("ground-truth interaction type")
    ax.set_ylabel("winning mechanism")
    ax.set_title(title, fontsize=10)
    fig.colorbar(im, ax=ax, label="fraction of the type's (object, step)s")
    save_png(fig, path, dpi=120)


def rollout_paths(true: torch.Tensor, pred: torch.Tensor, features: Sequence[str], dynamic: Sequence[int],
                  title: str, objects: int = 4) -> Figure:
    """True against predicted paths of the first ``objects`` objects of one trajectory.

    In a world with ``x`` and ``y`` features each panel shows an object's path in the plane; otherwise
    (e.g. traffic on a road) the first changing feature against the step.

    Args:
        true: (R+1, N, D) the true states from the rollout's start.
        pred: (R, N, D) the predicted states 1..R (fed back, without seeing the truth).
        features: the D feature names.
        dynamic: indices of the features that change over time.
        title: the figure title.
        objects: how many objects to draw (one panel each).
    """
    start = true[:1]
    pred = torch.cat([start, pred])  # (R+1, N, D): both curves begin at the true start
    planar = "x" in features and "y" in features
    n = min(objects, true.shape[1])
    fig = new_figure(3.0 * n, 3.2)
    axes = fig.subplots(1, n, squeeze=False)[0]
    steps = np.arange(true.shape[0])
    for o, ax in enumerate(axes):
        if planar:
            ix, iy = features.index("x"), features.index("y")
            curves = [(c[:, o, ix].numpy(), c[:, o, iy].numpy()) for c in (true, pred)]
            ax.set_xlabel("x")
            ax.set_ylabel("y")
        else:
            f = dynamic[0]
            curves = [(steps, c[:, o, f].numpy()) for c in (true, pred)]
            ax.set_xlabel("step")
            ax.set_ylabel(features[f])
        for (xs, ys), label, style in zip(curves, ("true", "predicted"), ("-", "--")):
            ax.plot(xs, ys, style, marker="o", markersize=2.5, label=label)
        ax.plot(*[c[:1] for c in curves[0]], "k*", markersize=9, label="start")
        ax.set_title(f"object {o}", fontsize=9)
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
