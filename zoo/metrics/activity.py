"""Which modules are active over time (a model's boolean ``active`` output, e.g. RIMs' cells): rates and a picture."""

from __future__ import annotations

from pathlib import Path

import torch


def activation_rates(active: torch.Tensor) -> torch.Tensor:
    """Fraction of steps each cell is active: (..., T, K) -> (K,)."""
    return active.float().reshape(-1, active.shape[-1]).mean(0)


def plot_active_cells(active: torch.Tensor, path: Path, tokens: torch.Tensor | None = None, title: str = "") -> None:
    """A K x T picture of the active cells of one sequence, with the input tokens above it."""
    from zoo.plots.figure import new_figure, save_png

    t, k = active.shape
    rows = 2 if tokens is not None else 1
    fig = new_figure(max(6.0, min(16, 2 + t / 25)), 1.2 + 0.35 * k + (0.6 if tokens is not None else 0))
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False,
                        gridspec_kw={"height_ratios": ([1, max(2, k / 2)] if tokens is not None else [1])})
    if tokens is not None:
        axes[0, 0].imshow(tokens.view(1, -1).float().cpu().numpy(), aspect="auto", cmap="Greys", interpolation="nearest")
        axes[0, 0].set_yticks([])
        axes[0, 0].set_ylabel("input", rotation=0, ha="right", va="center")
    ax = axes[-1, 0]
    ax.imshow(active.T.float().cpu().numpy(), aspect="auto", cmap="Blues", interpolation="nearest", vmin=0, vmax=1)
    ax.set_yticks(range(k))
    ax.set_yticklabels([f"cell {i}" for i in range(k)])
    ax.set_xlabel("time step")
    rates = activation_rates(active)
    for i, r in enumerate(rates.tolist()):
        ax.text(t + 0.5, i, f"{100 * r:.0f}%", va="center", fontsize=8)
    fig.suptitle(title or "active cells over time (blue = active)")
    fig.tight_layout()
    save_png(fig, path, dpi=110)
