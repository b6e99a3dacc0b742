"""COMET's disentanglement metrics: how well winning mechanisms match ground-truth interaction types.

All functions take a contingency table ``table[m, k]`` = how often mechanism m won where the ground
truth says type k applied (see :func:`contingency`).
"""

from __future__ import annotations

import torch


def contingency(mechanism: torch.Tensor, truth: torch.Tensor, mechanisms: int, types: int) -> torch.Tensor:
    """Counts (mechanisms, types) of (winning mechanism, ground-truth type) over entries with a type.

    Entries whose ``truth`` is negative (no type applies) are left out.
    """
    keep = truth >= 0
    m, k = mechanism[keep].long(), truth[keep].long()
    flat = torch.bincount(m * types + k, minlength=mechanisms * types)
    return flat.view(mechanisms, types).double()


def _entropy(p: torch.Tensor) -> torch.Tensor:
    p = p[p > 0]
    return -(p * p.log()).sum()


def nmi(table: torch.Tensor) -> float:
    """Normalised mutual information I(M; K) / ((H(M) + H(K)) / 2) (arithmetic normalisation).

    1 when mechanisms and types determine each other; 0 when independent. When both sides have a
    single value the entropy is zero and the score is defined as 1.
    """
    total = table.sum()
    if total <= 0:
        return 0.0
    p = table / total
    pm, pk = p.sum(dim=1), p.sum(dim=0)
    hm, hk = _entropy(pm), _entropy(pk)
    outer = pm[:, None] * pk[None, :]
    nz = p > 0
    mi = (p[nz] * (p[nz] / outer[nz]).log()).sum()
    denom = (hm + hk) / 2
    if denom <= 1e-12:
        return 1.0
    return float((mi / denom).clamp(0.0, 1.0))


def purity(table: torch.Tensor) -> float:
    """Fraction of entries whose mechanism's most frequent type is their own type."""
    total = table.sum()
    return float(table.max(dim=1).values.sum() / total) if total > 0 else 0.0


def usage(mechanism: torch.Tensor, mechanisms: int) -> torch.Tensor:
    """(mechanisms,) fraction of entries each mechanism won."""
    counts = torch.bincount(mechanism.flatten().long(), minlength=mechanisms).double()
    return counts / counts.sum().clamp_min(1)
