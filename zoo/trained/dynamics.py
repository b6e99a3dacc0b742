"""Using a trained slot-dynamics model (COMET, the interaction network): predictions and rollouts."""

from __future__ import annotations

import torch

from zoo.errors import ZooError
from zoo.trained.base import Run


class DynamicsRun(Run):
    """COMET or a monolithic baseline over N object slots of D features (shape ``(N, D)`` from the spec)."""

    @property
    def slots(self) -> tuple[int, int]:
        """(N, D): objects and features per state."""
        return tuple(self.input_type.shape)

    def _selector(self) -> None:
        if "prediction" not in self.model.output_types:
            raise ZooError(f"{self.spec.name}: this model has no selector (router: classifier or soft_mixture), "
                           "so it cannot predict without seeing the next state")
        if not self.complete:
            raise ZooError(f"{self.source}: holds only the bank's weights; its selector is untrained: compose the "
                           "bank into a model (zoo compose) and load that run")

    @torch.no_grad()
    def predict(self, states) -> dict[str, torch.Tensor]:
        """One step ahead.

        Args:
            states: (B, N, D) or (N, D) slot states.

        Returns:
            ``prediction`` (B, N, D); for a classifier router also ``mechanism`` (B, N), the mechanism
            the selector picked for each slot, and ``context`` (B, N), the object it picked as context
            (-1: none).
        """
        self._selector()
        z, single = self.tensor(states, self.slots, "states")
        out = self.model(**{self.input_name: z})
        res = {"prediction": out["prediction"]}
        if "logits" in out:
            c = out["logits"].shape[-1]
            pair = out["logits"].flatten(2).argmax(-1)  # (B, N) over (mechanism, candidate)
            ctx = out["index"].gather(-1, (pair % c).unsqueeze(-1)).squeeze(-1)
            n = z.shape[1]
            res.update(mechanism=pair // c, context=torch.where((ctx >= 0) & (ctx < n), ctx, torch.full_like(ctx, -1)))
        return self.unbatch(res, single)

    @torch.no_grad()
    def rollout(self, states, steps: int, static: tuple[int, ...] = ()) -> torch.Tensor:
        """States 1..steps predicted from ``states`` (B, N, D) or (N, D), feeding predictions back:
        (B, steps, N, D) (or (steps, N, D)). Features in ``static`` keep their starting values."""
        self._selector()
        if not 1 <= int(steps) <= 100_000:
            raise ZooError(f"steps={steps}: expected 1 to 100000")
        z, single = self.tensor(states, self.slots, "states")
        keep = torch.zeros(z.shape[-1], dtype=torch.bool, device=z.device)
        keep[list(static)] = True
        start, out = z, []
        for _ in range(int(steps)):  # recurrence over time, not over slots
            z = torch.where(keep, start, self.model(**{self.input_name: z})["prediction"])
            out.append(z)
        traj = torch.stack(out, 1)
        return traj[0] if single else traj
