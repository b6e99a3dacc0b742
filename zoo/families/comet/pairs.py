"""Competition between (mechanism, context) pairs: errors, winners over a time horizon, WTA loss.

Errors are kept in *object space*: for target slot i the pair (m, j) names a mechanism m and a
context object j in [0, N] where j = N is "no context". A COMET model returns its candidates over
per-step candidate lists (``index`` (B, N, C)); :func:`by_object` scatters them to object space so
that a pair means the same thing at every step of a horizon, whatever graph produced the candidates
(a knn graph changes its lists from step to step). Pairs that are not candidates get +inf.

Everything is batched: one scatter, one sum over the horizon, one min/argmin over the flattened
(M * (N+1)) pairs; no Python loop runs over mechanisms, contexts or objects.
"""

from __future__ import annotations

import math

import torch

INF = float("inf")


def pair_errors(candidates: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Weighted squared error of every candidate: (..., N, M, C, D), (..., N, D), (D,) -> (..., N, M, C).

    ``weight`` scales each feature (e.g. 1 / RMS change squared, 0 for constant features) and the
    result is divided by the number of non-zero weights, i.e. it is a mean over the scored features.
    """
    diff = candidates - target[..., None, None, :]  # (..., N, M, C, D)
    scored = (weight > 0).sum().clamp_min(1)
    return (diff.pow(2) * weight).sum(dim=-1) / scored


def by_object(errors: torch.Tensor, index: torch.Tensor, mask: torch.Tensor, fill: float = INF) -> torch.Tensor:
    """Errors over candidate lists -> errors over context objects.

    Args:
        errors: (B, N, M, C, ...) error (or any per-pair value) of mechanism m with candidate c.
        index: (B, N, C) the object each candidate is (-1: no context).
        mask: (B, N, C) whether the candidate exists.
        fill: the value where j is not a candidate.

    Returns:
        (B, N, M, N+1, ...) the value of mechanism m with context object j (j = N: no context);
        ``fill`` (+inf) where j is not a candidate.
    """
    b, n, m = errors.shape[:3]
    rest = errors.shape[4:]
    slot = torch.where(index < 0, torch.full_like(index, n), index)  # (B, N, C)
    slot = torch.where(mask, slot, torch.full_like(slot, n + 1))  # padding goes to a spare column
    where = slot[:, :, None, :].reshape(b, n, 1, -1, *(1,) * len(rest)).expand(b, n, m, -1, *rest)
    out = errors.new_full((b, n, m, n + 2, *rest), fill)
    out = out.scatter(3, where, errors)
    return out[:, :, :, : n + 1]


def change_total(deltas: torch.Tensor, change: torch.Tensor, weight: torch.Tensor, total: torch.Tensor,
                 present: torch.Tensor) -> torch.Tensor:
    """Error of each pair's summed one-step changes against the observed change over the horizon.

    Observation noise enters the observed change once however long the horizon, while a wrong law's
    error grows with it, so pairs are told apart where one-step errors are dominated by noise.

    Args:
        deltas: (B, H, N, M, J, D) each pair's predicted one-step change (0 where not a candidate).
        change: (B, N, D) observed change from the first to the last state of the window.
        weight: (D,) feature weights (see :func:`pair_errors`).
        total: (B, N, M, J) the pairs' :func:`horizon_total`, used where a pair is missing at some step.
        present: (B, H, N, M, J) whether the pair is a candidate at each step.

    Returns:
        (B, N, M, J) the weighted squared error divided by H.
    """
    err = pair_errors(deltas.sum(dim=1), change, weight) / deltas.shape[1]
    return torch.where(present.all(dim=1), err, total)


def ranked_total(errors: torch.Tensor, index: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean error over a horizon of the pairs (mechanism m, candidate position c), in the object space of
    the window's first step: (B, H, N, M, C), index and mask (B, N, C) of the first step -> (B, N, M, N+1).

    The pair follows the position in the slot's candidate list, not an object: with a knn graph, "my
    nearest neighbour" at every step, whichever object that is.
    """
    return by_object(errors.mean(dim=1), index, mask)


def ranked_change(deltas: torch.Tensor, change: torch.Tensor, weight: torch.Tensor, index: torch.Tensor,
                  mask: torch.Tensor) -> torch.Tensor:
    """:func:`change_total` of the pairs (mechanism, candidate position): deltas (B, H, N, M, C, D) each
    step's predicted change, change (B, N, D) the observed change over the window -> (B, N, M, N+1)."""
    return by_object(pair_errors(deltas.sum(dim=1), change, weight) / deltas.shape[1], index, mask)


def horizon_total(errors: torch.Tensor, context_per_step: bool = False) -> torch.Tensor:
    """Mean error over a horizon: (B, H, ...) -> (B, ...), the last two axes being (M, J).

    A pair missing at any step of the horizon gets +inf. When a slot has no pair present at every
    step (a knn graph may change its lists), its pairs are judged on the first step alone.

    With ``context_per_step`` pair (m, j) is scored by its error at the first step plus, at each later
    step, the error of mechanism m with its best context there: the mechanism must stay the same over
    the horizon, its context may change (a nearest neighbour does).
    """
    if context_per_step:
        later = errors[:, 1:].min(dim=-1, keepdim=True).values.sum(dim=1)  # (B, ..., M, 1)
        return (errors[:, 0] + later) / errors.shape[1]
    total = errors.mean(dim=1)
    ok = torch.isfinite(total).flatten(-2).any(dim=-1)  # (B, ...)
    return torch.where(ok[..., None, None], total, errors[:, 0])


def winners(total: torch.Tensor) -> torch.Tensor:
    """Index of the best pair in the flattened (M * J) pairs: (..., M, J) -> (...)."""
    return total.flatten(-2).argmin(dim=-1)


def split_pair(flat: torch.Tensor, contexts: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Flat pair index -> (mechanism, context object) with ``contexts`` = N+1 columns; "none" -> -1."""
    mech, ctx = flat // contexts, flat % contexts
    return mech, torch.where(ctx == contexts - 1, torch.full_like(ctx, -1), ctx)


LOG_FLOOR = 0.1  # winner_loss log_error: log(error + LOG_FLOOR x the batch's mean winning error)


def winner_mean(errors: torch.Tensor, kind: str = "error") -> torch.Tensor:
    """The loss of the winners' errors: their mean ('error') or the mean of log(error + a floor) ('log_error', the
    floor a tenth of the batch's mean winning error, so the loss means the same at any error scale)."""
    if kind == "error":
        return errors.mean()
    floor = LOG_FLOOR * errors.detach().mean().clamp_min(1e-12)
    return torch.log(errors + floor).mean()


def competition_loss(total: torch.Tensor, temperature: float, score: torch.Tensor | None = None,
                     winner_loss: str = "error") -> torch.Tensor:
    """Winner-takes-all loss over pairs, softened during the warm start.

    Args:
        total: (B, N, M, J) horizon error of every pair (+inf for pairs that do not exist).
        temperature: 0 for hard WTA (only the winning pair gets gradient: the loss is its error);
            > 0 for the warm start: every pair gets gradient, weighted by a softmin whose temperature
            is relative to the batch's mean pair score (so it means the same at any error scale).
        score: (B, N, M, J) what the winner is chosen by (default: ``total``); finite where ``total`` is.
        winner_loss: how the winners' errors make the hard WTA loss (:func:`winner_mean`).

    Returns:
        the loss averaged over batch and slots.
    """
    flat = total.flatten(-2)  # (B, N, K)
    rank = flat if score is None else score.detach().flatten(-2)
    if temperature <= 0:
        return winner_mean(flat.gather(-1, rank.argmin(dim=-1, keepdim=True)), winner_loss)
    finite = torch.isfinite(rank)
    safe = torch.where(finite, flat, torch.zeros_like(flat))
    scale = torch.where(finite, rank, torch.zeros_like(rank)).detach().sum() / finite.sum().clamp_min(1)
    weights = torch.softmax(-rank.detach() / (temperature * scale.clamp_min(1e-12)), dim=-1)  # 0 where inf
    return (weights * safe).sum(dim=-1).mean()


def temperature_at(step: int, warm_start: int, start: float, end: float) -> float:
    """Softmin temperature at ``step``: geometric from ``start`` to ``end`` over ``warm_start`` steps, then 0."""
    if step >= warm_start:
        return 0.0
    return start * math.exp(math.log(end / start) * step / warm_start)


def candidate_of(pair_object: torch.Tensor, index: torch.Tensor, mask: torch.Tensor, contexts: int) -> torch.Tensor:
    """Position in the candidate list of a context object: (B, N) object (N: none), index (B, N, C) -> (B, N).

    The object must be among the slot's candidates (a winner always is).
    """
    code = torch.where(pair_object == contexts - 1, torch.full_like(pair_object, -1), pair_object)
    hit = (index == code.unsqueeze(-1)) & mask  # (B, N, C)
    return hit.float().argmax(dim=-1)
