"""Bouncing balls: equal discs moving in a square box with elastic walls and elastic collisions,
rendered as small grey frames. The task is next-frame prediction.

``splits``: ``train`` (ball counts drawn from ``balls``) and ``test_<n>`` for every count in
``test_balls`` and the training counts. Each holds ``x`` (N, T-1, size*size) frames and ``target``
(N, T-1, size*size) the frames one step later, in [0, 1]. The environment also computes a rollout
error (``extra_metrics``): the model sees the first frames and predicts the rest from its own output.
"""

from __future__ import annotations

import torch

from zoo.metrics.rollout import rollout_metrics


def simulate(n: int, balls: int, steps: int, size: int, radius: float, speed: float,
             generator: torch.Generator, velocities: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """Positions (n, steps, balls, 2) in [radius, size - radius]^2 (and the velocities, if asked)."""
    lo, hi = radius, size - radius
    pos = lo + torch.rand(n, balls, 2, generator=generator) * (hi - lo)
    angle = torch.rand(n, balls, generator=generator) * 2 * torch.pi
    vel = speed * torch.stack([angle.cos(), angle.sin()], -1)
    out, vels = [], []
    eye = torch.eye(balls, dtype=torch.bool)
    for _ in range(steps):  # data generation, not a forward pass: a loop over time is fine
        out.append(pos)
        vels.append(vel)
        pos = pos + vel
        hit_lo, hit_hi = pos < lo, pos > hi
        vel = torch.where(hit_lo | hit_hi, -vel, vel)
        pos = torch.where(hit_lo, 2 * lo - pos, torch.where(hit_hi, 2 * hi - pos, pos))
        diff = pos.unsqueeze(2) - pos.unsqueeze(1)  # (n, b, b, 2)
        dist = diff.norm(dim=-1).clamp_min(1e-6)
        rel = ((vel.unsqueeze(2) - vel.unsqueeze(1)) * diff).sum(-1)  # approaching when < 0
        touch = (dist < 2 * radius) & (rel < 0) & ~eye
        normal = diff / dist.unsqueeze(-1)
        # equal masses: exchange the velocity components along the line of centres
        vel = vel - (touch.float() * rel / dist).unsqueeze(-1).mul(normal).sum(2)
    return (torch.stack(out, 1), torch.stack(vels, 1)) if velocities else torch.stack(out, 1)


def render(pos: torch.Tensor, size: int, radius: float) -> torch.Tensor:
    """Positions (..., balls, 2) -> frames (..., size*size): soft discs, clipped to [0, 1]."""
    grid = torch.arange(size, dtype=torch.float32) + 0.5
    yy, xx = torch.meshgrid(grid, grid, indexing="ij")
    d2 = (xx - pos[..., 0, None, None]) ** 2 + (yy - pos[..., 1, None, None]) ** 2  # (..., balls, S, S)
    frame = torch.exp(-d2 / (2 * (radius * 0.75) ** 2)).sum(-3).clamp(max=1.0)
    return frame.flatten(-2)


class BouncingBalls:
    """The environment object (see module docstring)."""

    def __init__(self, data, seed: int):
        g = torch.Generator().manual_seed(seed)
        self.data = data
        counts = torch.tensor(data.balls)[torch.randint(0, len(data.balls), (data.train_sequences,), generator=g)]
        parts = [self._frames(int((counts == c).sum()), c, g) for c in data.balls]
        frames = torch.cat([p for p in parts if len(p)])[torch.randperm(data.train_sequences, generator=g)]
        self.splits = {"train": {"x": frames[:, :-1], "target": frames[:, 1:]}}
        for c in dict.fromkeys((*data.balls, *data.test_balls)):
            f = self._frames(data.test_sequences, c, g)
            self.splits[f"test_{c}"] = {"x": f[:, :-1], "target": f[:, 1:]}

    def _frames(self, n: int, balls: int, g: torch.Generator) -> torch.Tensor:
        d = self.data
        return render(simulate(n, balls, d.length, d.size, d.radius, d.speed, g), d.size, d.radius)

    def extra_metrics(self, model, device) -> dict[str, float]:
        """Rollout MSE per test split (see :func:`zoo.metrics.rollout.rollout_metrics`), predictions clamped to [0, 1]."""
        return rollout_metrics(self.splits, model, device, self.data.rollout, (0.0, 1.0))


@torch.no_grad()
def make(data, seed: int) -> BouncingBalls:
    """The bouncing-balls environment for ``data`` and ``seed``."""
    return BouncingBalls(data, seed)
