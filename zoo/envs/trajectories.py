"""Object-slot trajectories with per-object, per-step ground truth: the interface of COMET's worlds.

A world (:class:`SlotWorld`) holds a ``train`` and a ``test`` split of :class:`Trajectories`. For
every object n and step t (the transition from state t to state t+1) the ground truth says which
interaction type drove it (an index into ``type_names``; -1 where no type applies, e.g. a wall bounce)
and which object was its context (-1 for none). Worlds are simulated step by step over time, every
step vectorised over trajectories and objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

Step = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class Trajectories:
    """A batch of object-slot trajectories.

    Attributes:
        states: (S, T+1, N, D) slot states.
        types: (S, T, N) int64 interaction type of each transition (-1: none applies).
        partners: (S, T, N) int64 context object of each transition (-1: none).
    """

    states: torch.Tensor
    types: torch.Tensor
    partners: torch.Tensor

    def __len__(self) -> int:
        return self.states.shape[0]

    @property
    def length(self) -> int:
        """Transitions per trajectory T."""
        return self.types.shape[1]

    def head(self, count: int) -> "Trajectories":
        """The first ``count`` trajectories (at least one)."""
        k = max(1, min(count, len(self)))
        return Trajectories(self.states[:k], self.types[:k], self.partners[:k])


@dataclass(frozen=True)
class SlotWorld:
    """A generated environment: splits, the names of its types and features, its constant features.

    Attributes:
        splits: ``{"train": Trajectories, "test": Trajectories}``.
        type_names: names of the ground-truth interaction types (indexed by ``types``).
        features: names of the D slot features.
        static: indices of the features that never change (visible attributes such as a species).
    """

    splits: dict[str, Trajectories]
    type_names: tuple[str, ...]
    features: tuple[str, ...]
    static: tuple[int, ...]

    @property
    def dynamic(self) -> tuple[int, ...]:
        """Indices of the features that change over time (the ones predictions are scored on)."""
        return tuple(i for i in range(len(self.features)) if i not in self.static)

    def delta_scale(self) -> torch.Tensor:
        """(D,) root-mean-square one-step change of each feature over the training split's transitions
        that have a ground-truth type (so rare events such as a bounce do not set the scale; every transition
        when none has a type); 1 if static."""
        train = self.splits["train"]
        typed = train.types >= 0  # a world without ground-truth types uses every transition
        change = (train.states[:, 1:] - train.states[:, :-1])[typed if typed.any() else ~typed]  # (K, D)
        rms = change.pow(2).mean(dim=0).sqrt()
        return torch.where(rms > 1e-8, rms, torch.ones_like(rms))

    def state_scale(self) -> torch.Tensor:
        """(D,) standard deviation of each feature over the training split (1 if constant)."""
        sd = self.splits["train"].states.flatten(0, 2).std(dim=0)  # (D,)
        return torch.where(sd > 1e-8, sd, torch.ones_like(sd))


def generators(seed: int) -> tuple[torch.Generator, torch.Generator]:
    """Independent generators for the train and test splits of a world seeded with ``seed``."""
    return torch.Generator().manual_seed(2 * seed + 1), torch.Generator().manual_seed(2 * seed + 2)


def simulate(init: torch.Tensor, step: Step, length: int, noise: float, gen: torch.Generator) -> Trajectories:
    """Roll ``step`` forward ``length`` times from ``init`` (S, N, D).

    ``step(z)`` returns the next state (S, N, D), the types (S, N) and the partners (S, N) of the
    transition. Observation noise (std ``noise``) is added to the stored states, not to the dynamics.
    """
    states, types, partners = [init], [], []
    z = init
    for _ in range(length):
        z, kind, partner = step(z)
        states.append(z)
        types.append(kind)
        partners.append(partner)
    out = torch.stack(states, dim=1)  # (S, T+1, N, D)
    if noise > 0:
        out = out + noise * torch.randn(out.shape, generator=gen)
    return Trajectories(out.float(), torch.stack(types, 1).long(), torch.stack(partners, 1).long())


def nearest(pos: torch.Tensor, allowed: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Nearest other object of each object by Euclidean distance.

    Args:
        pos: (S, N, P) positions.
        allowed: (S, N, N) bool, True where object j may be object i's partner (default: all j != i).

    Returns:
        index (S, N) of the nearest allowed object and its distance (S, N) (inf when none is allowed).
    """
    n = pos.shape[1]
    dist = torch.cdist(pos, pos)  # (S, N, N)
    banned = torch.eye(n, dtype=torch.bool).expand_as(dist)
    if allowed is not None:
        banned = banned | ~allowed
    dist = dist.masked_fill(banned, float("inf"))
    d, index = dist.min(dim=-1)
    return index, d


def take(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """Rows of ``x`` (S, N, F) at ``index`` (S, N) -> (S, N, F)."""
    return x.gather(1, index.unsqueeze(-1).expand(-1, -1, x.shape[-1]))


def reflect(pos: torch.Tensor, vel: torch.Tensor, box: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Elastic walls at +-box: positions mirrored back inside, velocities flipped.

    Returns the new positions, velocities and a (S, N) bool telling which objects hit a wall.
    """
    over = pos.abs() > box  # (S, N, P)
    pos = torch.where(over, torch.sign(pos) * (2 * box - pos.abs()), pos)
    vel = torch.where(over, -vel, vel)
    return pos, vel, over.any(dim=-1)


def draw_categories(weights: tuple[float, ...] | None, count: int, shape: tuple[int, ...],
                    gen: torch.Generator) -> torch.Tensor:
    """Integer categories in [0, count) drawn i.i.d. with relative ``weights`` (uniform if None)."""
    w = torch.ones(count) if weights is None else torch.tensor(weights, dtype=torch.float)
    flat = torch.multinomial(w / w.sum(), int(torch.tensor(shape).prod()), replacement=True, generator=gen)
    return flat.view(shape)
