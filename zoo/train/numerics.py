"""Gradient norms, clipping and the search for non-finite gradients (one device sync per step)."""

from __future__ import annotations

import torch


def grad_norm(grads: list[torch.Tensor]) -> torch.Tensor:
    """The global L2 norm of ``grads`` (NaN or inf when any gradient is not finite)."""
    if not grads:
        return torch.zeros(())
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))


def clip_(grads: list[torch.Tensor], norm: torch.Tensor, max_norm: float) -> None:
    """Scale ``grads`` in place so their global norm is at most ``max_norm`` (as ``clip_grad_norm_``)."""
    coef = torch.clamp(max_norm / (norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(coef.to(g.device))


def non_finite(named: list[tuple[str, torch.nn.Parameter]]) -> list[str]:
    """Names of the parameters whose gradient holds NaN or infinity."""
    return [n for n, p in named if p.grad is not None and not torch.isfinite(p.grad).all()]


def gradient_problem(named: list[tuple[str, torch.nn.Parameter]], norm: torch.Tensor, step: int) -> str:
    """Why the global gradient norm at ``step`` is not finite: a named non-finite gradient, or finite
    gradients too large for the sum of their squares."""
    bad = non_finite(named)
    if not bad:
        return (f"the gradient norm is {float(norm)} at step {step} although every gradient is finite "
                f"(they are too large to add up); lower train.lr or set train.grad_clip")
    more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
    return f"the gradient of {bad[0]!r} (parameter group {bad[0].split('.')[1]!r}) is not finite at step {step}{more}"
