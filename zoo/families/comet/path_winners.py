"""The part of COMET's procedures that picks winners on a path (``train.switch_rate``): each step's pair
errors in one flat pair space, the cheapest path through them (:mod:`zoo.families.comet.paths`), the
selector's NLL on every step's winner, and the winners of whole evaluation trajectories."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.families.comet.pairs import INF, by_object, candidate_of, pair_errors, split_pair
from zoo.families.comet.paths import cheapest_path, switch_cost


def without_missing(err: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Pair errors (..., N, M, C) by candidate position with +inf where the candidate ``mask`` (..., N, C) has none."""
    return err.masked_fill(~mask[..., None, :], INF)


class PathWinners:
    """Mixed into :class:`zoo.families.comet.mechanisms.PairProcedure` (its ``cfg``, ``model``, ``input``,
    ``weight`` and ``by_rank``)."""

    @property
    def by_path(self) -> bool:
        """Whether each step's winner is on the slot's cheapest path of pairs (``switch_rate`` set)."""
        return self.cfg.switch_rate is not None

    def step_errors(self, out: dict[str, torch.Tensor], target: torch.Tensor) -> torch.Tensor:
        """One-step error of every pair, flattened: (P, N, K) for outputs ``out`` of P states and their next
        states ``target`` (P, N, D); pairs are (mechanism, candidate position) with ``context_by: rank``, else
        (mechanism, context object or none); +inf where a pair does not exist."""
        err = pair_errors(out["candidates"], target, self.weight)  # (P, N, M, C)
        if self.by_rank:
            err = without_missing(err, out["mask"])
        else:
            err = by_object(err, out["index"], out["mask"])  # (P, N, M, N+1)
        return err.flatten(-2)

    def path_of(self, errors: torch.Tensor) -> torch.Tensor:
        """Each step's pair on the cheapest path: errors (B, H, N, K) -> (B, H, N)."""
        scored = int((self.weight > 0).sum())
        return cheapest_path(errors, switch_cost(errors, self.cfg.switch_rate, scored))

    def pair_steps(self, states: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Windows (B, H+1, N, D) -> every step's pair errors (B, H, N, K) and the model's outputs (B, H, ...)."""
        b, h = states.shape[0], states.shape[1] - 1
        out = self.model(**{self.input: states[:, :h].flatten(0, 1)})
        err = self.step_errors(out, states[:, 1:].flatten(0, 1))
        return err.view(b, h, *err.shape[1:]), {k: v.view(b, h, *v.shape[1:]) for k, v in out.items()}

    def path_selector_loss(self, path: torch.Tensor, out: dict[str, torch.Tensor]) -> tuple[torch.Tensor, float]:
        """NLL of the selector's logits (B, H, N, M, C) on every step's pair on the path (B, H, N); its accuracy."""
        c = out["logits"].shape[-1]
        target = path
        if not self.by_rank:
            contexts = out["index"].shape[2] + 1
            mech, obj = path // contexts, path % contexts
            target = mech * c + candidate_of(obj, out["index"], out["mask"], contexts)
        logits = out["logits"].flatten(-2)
        nll = F.cross_entropy(logits.flatten(0, -2), target.flatten())
        return nll, (logits.argmax(-1) == target).float().mean().item()

    def _path_winners(self, res: dict[str, torch.Tensor], n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Mechanism and context object (-1: none) of every step's pair on each slot's cheapest path through
        whole trajectories, from the per-step outputs in ``res`` (k, T, ...) (its pair errors are removed)."""
        pairs = res.pop("pairs")
        if not self.by_rank:
            return split_pair(self.path_of(pairs.flatten(-2)), n + 1)
        res.pop("ranked_deltas", None)
        index, mask = res.pop("index"), res.pop("mask")
        err = without_missing(res.pop("ranked"), mask)  # (k, T, N, M, C)
        path = self.path_of(err.flatten(-2))
        c = err.shape[-1]
        return path // c, index.gather(-1, (path % c).unsqueeze(-1)).squeeze(-1)
