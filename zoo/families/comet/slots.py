"""Shared pieces of the procedures that learn dynamics on object-slot trajectories (COMET's worlds).

Errors are measured in units a reader can compare across worlds: a one-step error is the squared
difference of each changing feature divided by that feature's mean squared one-step change on the
world's training split (so predicting "no change" scores about 1), averaged over features; a rollout
error divides by each feature's variance instead. Constant features (visible attributes) are not
scored, and a rollout copies them from the true state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import torch

from zoo.envs.trajectories import SlotWorld, Trajectories
from zoo.train.procedure import fraction_kept

CHUNK = 4096  # states per forward pass during evaluation


def feature_weight(world: SlotWorld) -> torch.Tensor:
    """(D,) loss weight of each feature: 1 / mean squared one-step change, 0 for constant features."""
    w = world.delta_scale().pow(-2)
    w[list(world.static)] = 0.0
    return w


def state_weight(world: SlotWorld) -> torch.Tensor:
    """(D,) rollout weight of each feature: 1 / variance, 0 for constant features."""
    w = world.state_scale().pow(-2)
    w[list(world.static)] = 0.0
    return w


def scaled_error(pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Weighted squared error averaged over the scored features: (..., D) -> (...)."""
    return ((pred - target).pow(2) * weight).sum(dim=-1) / (weight > 0).sum().clamp_min(1)


def subset(traj: Trajectories, fraction: float) -> Trajectories:
    """The first ``ceil(fraction * S)`` trajectories (at least one): ``train.fraction``."""
    return traj.head(fraction_kept(len(traj), fraction))


def windows(traj: Trajectories, batch: int, horizon: int, gen: torch.Generator) -> torch.Tensor:
    """``batch`` random windows of ``horizon + 1`` consecutive states: (B, H+1, N, D)."""
    s, t = len(traj), traj.length
    which = torch.randint(0, s, (batch,), generator=gen)
    start = torch.randint(0, t - horizon + 1, (batch,), generator=gen)
    steps = start[:, None] + torch.arange(horizon + 1)  # (B, H+1)
    return traj.states[which[:, None], steps]


def chunks(states: torch.Tensor, device: torch.device) -> Iterator[torch.Tensor]:
    """(P, N, D) states in pieces of at most CHUNK, moved to ``device``."""
    for i in range(0, states.shape[0], CHUNK):
        yield states[i : i + CHUNK].to(device)


def one_step(fn: Callable[[torch.Tensor], torch.Tensor], traj: Trajectories, device: torch.device) -> torch.Tensor:
    """``fn`` applied to every state but the last of every trajectory: (S, T, N, ...) on the CPU."""
    s, t = len(traj), traj.length
    flat = traj.states[:, :-1].flatten(0, 1)  # (S*T, N, D)
    out = torch.cat([fn(x).cpu() for x in chunks(flat, device)])
    return out.view(s, t, *out.shape[1:])


def rollout(predict: Callable[[torch.Tensor], torch.Tensor], traj: Trajectories, steps: int,
            static: tuple[int, ...], device: torch.device) -> torch.Tensor:
    """Predicted states 1..steps from each trajectory's first state, feeding predictions back: (S, R, N, D).

    Constant features are copied from the true state at each step (they are observed attributes).
    """
    steps = min(steps, traj.length)
    z = traj.states[:, 0].to(device)
    keep = torch.zeros(z.shape[-1], dtype=torch.bool, device=device)
    keep[list(static)] = True
    out = []
    for k in range(steps):
        z = torch.where(keep, traj.states[:, k + 1].to(device), predict(z))
        out.append(z.cpu())
    return torch.stack(out, dim=1)


def rollout_error(predict: Callable[[torch.Tensor], torch.Tensor], world: SlotWorld, split: str, steps: int,
                  device: torch.device) -> float:
    """Mean rollout error over ``steps`` steps on a split, in units of each feature's variance."""
    traj = world.splits[split]
    pred = rollout(predict, traj, steps, world.static, device)
    truth = traj.states[:, 1 : pred.shape[1] + 1]
    return scaled_error(pred, truth, state_weight(world)).mean().item()


def rollout_figure(predict: Callable[[torch.Tensor], torch.Tensor], world: SlotWorld, steps: int,
                   device: torch.device, run_dir: Path, name: str) -> None:
    """``run_dir/plots/rollout.png``: test trajectory 0's true and predicted paths over ``steps`` steps."""
    from zoo.families.comet.figures import rollout_paths
    from zoo.plots.figure import save_png

    if not world.dynamic:  # nothing changes: nothing to draw
        return
    traj = world.splits["test"].head(1)
    with torch.no_grad():
        pred = rollout(predict, traj, steps, world.static, device)[0]  # (R, N, D)
    true = traj.states[0, : pred.shape[0] + 1]  # (R+1, N, D)
    fig = rollout_paths(true, pred, world.features, world.dynamic, f"{name}: {pred.shape[0]}-step rollout of test trajectory 0")
    save_png(fig, run_dir / "plots" / "rollout.png", tight=False)  # tight_layout already placed it
