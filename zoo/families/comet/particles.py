"""Particles: 2-D point masses, each driven by at most one partner per step.

A particle's species is a visible one-hot attribute and fixes its interaction type; an interacting
particle is driven by its nearest neighbour (so the partner can change from step to step). With
``r = x_i - x_j``, ``d = |r|`` and ``s`` the strength multiplier, the accelerations are:

* spring:      ``-4 s r``                      (grows with the distance)
* attraction:  ``-s r / sqrt(d^2 + 0.25)``     (saturates at magnitude s far away)
* repulsion:   ``+s r / sqrt(d^2 + 0.25)``
* none:        ``0``

Every law is smooth, and a spring pulls at least twice as hard as an attraction at any distance, so
the types are told apart by their effect.

Particles start uniformly in the square [-box, box]^2 and move freely (no walls, so every step is
explained by its type). Integration is semi-implicit Euler. Slot features: x, y, vx, vy, one-hot
species (see ``TYPES``).
"""

from __future__ import annotations

import torch

from zoo.envs.trajectories import SlotWorld, draw_categories, generators, nearest, simulate, take
from zoo.families.comet.spec import PARTICLE_TYPES, ParticlesData

TYPES = PARTICLE_TYPES
FEATURES = ParticlesData.FEATURES  # the spec language declares them, so a spec is checked without the data
SPRING, SOFT = 4.0, 0.25


def accelerations(r: torch.Tensor, strength: float) -> torch.Tensor:
    """Acceleration of every type for offsets ``r`` (..., 2) to the partner: (len(TYPES), ..., 2)."""
    soft = r / (r.pow(2).sum(dim=-1, keepdim=True) + SOFT).sqrt()
    spring = -SPRING * r
    return strength * torch.stack([spring, -soft, soft, torch.zeros_like(r)])


def step(z: torch.Tensor, strength: float, dt: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One transition of every particle: z (S, N, D) -> next z, types (S, N), partners (S, N)."""
    pos, vel, species = z[..., :2], z[..., 2:4], z[..., 4:]
    kind = species.argmax(dim=-1)  # (S, N)
    partner, _ = nearest(pos)
    acc = accelerations(pos - take(pos, partner), strength)  # (K, S, N, 2)
    acc = acc.gather(0, kind[None, ..., None].expand(1, -1, -1, 2)).squeeze(0)  # (S, N, 2)
    vel = vel + dt * acc
    pos = pos + dt * vel
    none = kind == TYPES.index("none")
    partner = torch.where(none, torch.full_like(partner, -1), partner)
    return torch.cat([pos, vel, species], dim=-1), kind, partner


def initial(data, count: int, gen: torch.Generator) -> torch.Tensor:
    """(count, N, D) random starting states: uniform positions, Gaussian velocities, drawn species."""
    n = data.objects
    pos = (torch.rand(count, n, 2, generator=gen) * 2 - 1) * data.box
    vel = torch.randn(count, n, 2, generator=gen) * data.speed
    local = draw_categories(data.mix, len(data.types), (count, n), gen)
    species = torch.tensor([TYPES.index(t) for t in data.types])[local]  # (count, N)
    return torch.cat([pos, vel, torch.nn.functional.one_hot(species, len(TYPES)).float()], dim=-1)


def make(data, seed: int) -> SlotWorld:
    """The particle world of ``data`` (a ParticlesData spec), generated from ``seed``."""

    def advance(z: torch.Tensor):
        return step(z, data.strength, data.dt)

    splits = {}
    for name, count, gen in zip(("train", "test"), (data.trajectories, data.test_trajectories), generators(seed)):
        splits[name] = simulate(initial(data, count, gen).double(), advance, data.length, data.noise, gen)
    return SlotWorld(splits, TYPES, FEATURES, static=tuple(range(4, 4 + len(TYPES))))
