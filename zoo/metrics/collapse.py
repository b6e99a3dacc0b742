"""Slot collapse: one slot owning (almost) every foreground pixel, and the warning a run shows for it.

A collapsed slot model has a degenerate segmentation: every pixel depends on the same slot, so JIS
is high (each pixel depends on one slot) while J-ARI is near 0 (that slot is not an object). Read
alone, JIS = 1 looks like a perfect result; this module turns the segmentation into a number that
says otherwise. ``max_slot_fg_share`` is, per image, the largest fraction of the foreground pixels
assigned to one slot, averaged over images; above :data:`COLLAPSE_SHARE` the run counts as collapsed
(with 2 or more objects per image, a segmentation by object stays well below it).
"""

from __future__ import annotations

import math
from typing import Mapping

import torch

COLLAPSE_SHARE = 0.9  # a slot taking more than this share of the foreground pixels means collapse


def max_slot_share(assignment: torch.Tensor, masks: torch.Tensor, slots: int) -> float:
    """Mean over images of the largest share of an image's foreground pixels that one slot takes.

    Args:
        assignment: (B, P) slot index of every pixel (e.g. the argmax of the Jacobian maps).
        masks: (B, P) ground-truth labels, 0 = background (left out).
        slots: number of slots K.

    Returns:
        The mean share in [1/K, 1]; NaN when no image has foreground.
    """
    fg = (masks.reshape(masks.shape[0], -1) > 0).float().cpu()  # (B, P)
    counts = torch.zeros(fg.shape[0], slots).scatter_add_(1, assignment.reshape(fg.shape).long().cpu(), fg)  # (B, K)
    total = fg.sum(dim=1)
    keep = total > 0
    if not keep.any():
        return math.nan
    return float((counts.max(dim=1).values[keep] / total[keep]).mean())


def collapse_metrics(share: float) -> dict[str, float]:
    """``max_slot_fg_share`` and ``collapsed`` (1.0 above :data:`COLLAPSE_SHARE`, else 0.0)."""
    return {"max_slot_fg_share": share, "collapsed": float(share > COLLAPSE_SHARE)}


def _number(value: object) -> float | None:
    """``value`` when it is a real number (metrics.json may hold anything), else None."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def collapse_warning(metrics: Mapping[str, object]) -> str | None:
    """The warning for a collapsed run's metrics (from ``metrics.json`` or an evaluation), else None."""
    share = _number(metrics.get("max_slot_fg_share"))
    if _number(metrics.get("collapsed")) != 1 or share is None:
        return None
    shown = [f"{k} {v:.3g}" for k in ("jis", "jari", "attention_ari") if (v := _number(metrics.get(k))) is not None]
    scores = f" ({', '.join(shown)})" if shown else ""
    return (f"WARNING: slot collapse: one slot takes {share:.0%} of the foreground pixels (more than "
            f"{COLLAPSE_SHARE:.0%}); the model has not separated the objects, so a high JIS is not a "
            f"success{scores}; train longer, or check slots.count and slots.dim (a slot wide enough for the whole "
            "scene need not share it)")
