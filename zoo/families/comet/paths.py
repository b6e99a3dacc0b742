"""Winners on a path: each step's winning pair of a slot is the step's pair on its cheapest path.

With ``train.switch_rate`` set, a slot does not keep one (mechanism, context) pair for a whole window:
over the window's steps it follows the path of pairs with the lowest sum of one-step errors plus a
cost for each change of pair. The cost is that of a sticky hidden Markov chain whose pair changes
with probability ``rate`` per step, observed with Gaussian noise of the size of the window's residual:
with ``r`` the mean over the batch of each step's lowest pair error (one-step errors are means over
``scored`` features, each in units of its mean squared change), a pair's negative log-likelihood is
``scored * err / (2 r)``, so in error units a change costs ``2 r / scored * ln((1 - rate) / rate)``.

Where noise swamps a step, a pair must beat the others over many steps before a slot changes to it (a
long horizon's robustness); where the types of a slot change (a partner leaves a radius, a prey starts
to flee), the path changes with them (a short horizon's precision). Only the time axis is looped over;
every (slot, pair) is batched.
"""

from __future__ import annotations

import math

import torch


def switch_cost(errors: torch.Tensor, rate: float, scored: int) -> torch.Tensor:
    """The cost of one change of pair, in the units of ``errors`` (B, H, ..., K): a 0-d tensor.

    ``rate`` is the probability that a slot's pair changes between two steps; ``scored`` the number of
    features a one-step error averages over.
    """
    best = errors.detach().min(dim=-1).values  # (B, H, ...)
    residual = best[torch.isfinite(best)].mean().clamp_min(1e-12)
    return 2.0 * residual / max(scored, 1) * math.log((1.0 - rate) / rate)


def cheapest_path(errors: torch.Tensor, cost: torch.Tensor | float) -> torch.Tensor:
    """The pair of every step on the path with the lowest total error plus ``cost`` per change (Viterbi).

    Args:
        errors: (B, H, ..., K) one-step error of each of K pairs at each of H steps (+inf: not a pair
            at that step; every step has a finite one).
        cost: what one change of pair costs (>= 0).

    Returns:
        (B, H, ...) the index of each step's pair on the cheapest path.
    """
    errors = errors.detach()
    h, k = errors.shape[1], errors.shape[-1]
    keep = torch.arange(k, device=errors.device)
    total = errors[:, 0]  # (B, ..., K) cheapest path ending in each pair
    back = []
    for t in range(1, h):
        best, arg = total.min(dim=-1, keepdim=True)  # the cheapest pair to change from
        change = best + cost
        switch = change < total
        back.append(torch.where(switch, arg.expand_as(total), keep.expand_as(total)))
        total = torch.where(switch, change, total) + errors[:, t]
    last = total.argmin(dim=-1)  # (B, ...)
    path = [last]
    for step in reversed(back):
        last = step.gather(-1, last.unsqueeze(-1)).squeeze(-1)
        path.append(last)
    return torch.stack(path[::-1], dim=1)


def path_errors(errors: torch.Tensor, path: torch.Tensor) -> torch.Tensor:
    """Each step's error of the pair on ``path``: errors (B, H, ..., K), path (B, H, ...) -> (B, H, ...)."""
    return errors.gather(-1, path.unsqueeze(-1)).squeeze(-1)
