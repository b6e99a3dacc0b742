"""The slot VAE's figure: per example, the image, its reconstruction, the ground-truth masks, the
Jacobian segmentation (argmax slot) and each slot's normalised Jacobian map."""

from __future__ import annotations

from pathlib import Path

import torch

from zoo.metrics.collapse import collapse_warning
from zoo.plots.figure import new_figure, save_png


def write_figure(path: Path, images: torch.Tensor, recon: torch.Tensor, masks: torch.Tensor,
                 norm: torch.Tensor, title: str, scores: dict[str, float]) -> None:
    """Write the PNG.

    Args:
        path: where to write.
        images: (N, C, H, W) in [0, 1].
        recon: (N, C, H, W) reconstructions in [0, 1].
        masks: (N, H, W) ground-truth labels (0 = background).
        norm: (N, K, H*W) slot-normalised Jacobian maps.
        title: figure title (the spec name).
        scores: metrics shown in the title (jis, jari, mse when present; a collapse warning when collapsed).
    """
    n, k = norm.shape[0], norm.shape[1]
    h, w = images.shape[-2:]
    maps = norm.reshape(n, k, h, w)
    columns = ["image", "reconstruction", "true masks", "Jacobian argmax"] + [f"slot {j}" for j in range(k)]
    fig = new_figure(1.6 * len(columns), 1.7 * n + 0.6)
    axes = fig.subplots(n, len(columns), squeeze=False)
    for i in range(n):
        fg = (masks[i] > 0).float()
        panels = [
            (images[i].permute(1, 2, 0).numpy(), {}),
            (recon[i].permute(1, 2, 0).numpy(), {}),
            (masks[i].numpy(), {"cmap": "tab10", "vmin": 0, "vmax": 9, "interpolation": "nearest"}),
            (((maps[i].argmax(0) + 1) * fg).numpy(), {"cmap": "tab10", "vmin": 0, "vmax": 9, "interpolation": "nearest"}),
        ]
        panels += [(maps[i, j].numpy(), {"cmap": "viridis", "vmin": 0, "vmax": 1}) for j in range(k)]
        for col, (panel, style) in enumerate(panels):
            ax = axes[i, col]
            ax.imshow(panel, **style)
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(columns[col], fontsize=8)
        axes[i, 0].set_ylabel(f"test {i}", fontsize=8)
    shown = ", ".join(f"{key}={scores[key]:.3f}" for key in ("jis", "jari", "attention_ari", "mse") if key in scores)
    note = "(Jacobian maps |dx/dz_k| normalised over slots; argmax on foreground)"
    collapsed = collapse_warning(scores) is not None
    if collapsed:
        note = f"SLOT COLLAPSE: one slot takes {scores['max_slot_fg_share']:.0%} of the foreground; {note}"
    fig.suptitle(f"{title}: {shown}\n{note}", fontsize=9, color="firebrick" if collapsed else "black")
    fig.tight_layout()
    save_png(fig, path, dpi=100, tight=False)
