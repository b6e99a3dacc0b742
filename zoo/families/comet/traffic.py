"""Traffic: cars on parallel lanes of a straight road; each car reacts to its leader (the next car
ahead in its lane), which is its context object.

With ``gap`` to the leader, own speed ``v``, leader speed ``u`` and desired speed ``v0``, a car is in
one of three regimes (its ground-truth type), each with its own law for the acceleration:

* free road (no leader within ``view``):   ``0.6 (1 - v / v0)``           (context: none)
* following (leader between 0.5 and ``view`` ahead):  ``0.5 (u - v)``      (context: the leader)
* braking (leader closer than 0.5):  ``-0.5 v``                           (context: the leader)

Which regime applies depends on the gap, but each law reads only speeds: a bank whose mechanisms see
speeds alone (``model.features``) must split the regimes between mechanisms, and the selector, which
sees positions too, learns when each applies. Following (``u >= 0``) never brakes as hard as
braking unless the leader stands still.

Cars start at speeds in [0.3, 0.8], mostly below their widely spread desired speeds, so free cars
keep accelerating, and a car stuck behind a slower one does not move as it would on a free road:
the regimes' effects rarely coincide. Should a step take a speed below 0 it is clipped and has no
ground-truth type (the laws above never do so for ``dt < 2``). Slot features: x, lane, v, desired
speed (lane and desired speed never change).
"""

from __future__ import annotations

import torch

from zoo.envs.trajectories import SlotWorld, generators, simulate, take
from zoo.families.comet.spec import TrafficData

TYPES = ("free", "following", "braking")
FEATURES = TrafficData.FEATURES  # the spec language declares them, so a spec is checked without the data
A_MAX, K_SPEED, K_BRAKE, BRAKE_GAP = 0.6, 0.5, 0.5, 0.5


def leaders(x: torch.Tensor, lane: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Each car's leader (S, N) and the gap to it (S, N), inf when no car is ahead in its lane."""
    gap = x[:, None, :] - x[:, :, None]  # (S, N(i), N(j)): x_j - x_i
    ahead = (lane[:, None, :] == lane[:, :, None]) & (gap > 0)
    gap = gap.masked_fill(~ahead, float("inf"))
    d, index = gap.min(dim=-1)
    return index, d


def step(z: torch.Tensor, view: float, dt: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One transition of every car: z (S, N, 4) -> next z, types (S, N), partners (S, N)."""
    x, lane, v, v0 = z.unbind(dim=-1)
    leader, gap = leaders(x, lane)
    u = take(v.unsqueeze(-1), leader).squeeze(-1)  # (S, N) leader speed
    free = gap > view
    braking = ~free & (gap < BRAKE_GAP)
    brake = -K_BRAKE * v
    acc = torch.where(free, A_MAX * (1 - v / v0), torch.where(braking, brake, K_SPEED * (u - v)))
    kind = torch.where(free, 0, torch.where(braking, 2, 1))
    nv = v + dt * acc
    clipped = nv < 0
    nv = nv.clamp_min(0.0)
    types = torch.where(clipped, torch.full_like(kind, -1), kind)
    partner = torch.where(free, torch.full_like(leader, -1), leader)
    return torch.stack([x + dt * nv, lane, nv, v0], dim=-1), types, partner


def initial(data, count: int, gen: torch.Generator) -> torch.Tensor:
    """(count, N, 4) starting states: random gaps up to ``spread``, speeds in [0.3, 0.8]."""
    lanes, per = data.lanes, data.cars_per_lane
    gaps = 0.15 + (data.spread - 0.15) * torch.rand(count, lanes, per, generator=gen)  # (S, L, P)
    x = gaps.cumsum(dim=-1) - gaps[..., :1]
    lane = torch.arange(lanes, dtype=torch.float).view(1, lanes, 1).expand(count, -1, per)
    v0 = data.min_speed + (data.max_speed - data.min_speed) * torch.rand(count, lanes, per, generator=gen)
    v = 0.3 + 0.5 * torch.rand(count, lanes, per, generator=gen)
    return torch.stack([x, lane, v, v0], dim=-1).flatten(1, 2)


def make(data, seed: int) -> SlotWorld:
    """The traffic world of ``data`` (a TrafficData spec), generated from ``seed``."""

    def advance(z: torch.Tensor):
        return step(z, data.view, data.dt)

    splits = {}
    for name, count, gen in zip(("train", "test"), (data.trajectories, data.test_trajectories), generators(seed)):
        splits[name] = simulate(initial(data, count, gen).double(), advance, data.length, data.noise, gen)
    return SlotWorld(splits, TYPES, FEATURES, static=(1, 3))
