"""The particle world: shapes, seeding, and ground truth that reproduces the simulated motion."""

from __future__ import annotations

import torch

from zoo.envs import make_env
from zoo.families.comet.particles import TYPES, accelerations
from zoo.families.comet.spec import ParticlesData


def _world(**kw):
    data = ParticlesData(kind="particles", objects=4, length=6, trajectories=5, test_trajectories=3, **kw)
    return data, make_env(data, seed=3)


def test_shapes_and_names():
    _, w = _world()
    train, test = w.splits["train"], w.splits["test"]
    assert train.states.shape == (5, 7, 4, 8) and test.states.shape == (3, 7, 4, 8)
    assert train.types.shape == train.partners.shape == (5, 6, 4)
    assert w.type_names == TYPES and w.static == (4, 5, 6, 7) and w.dynamic == (0, 1, 2, 3)


def test_seeded_and_test_split_independent_of_train_size():
    data, a = _world()
    b = make_env(data, seed=3)
    c = make_env(data.model_copy(update={"trajectories": 9}), seed=3)
    d = make_env(data, seed=4)
    assert torch.equal(a.splits["train"].states, b.splits["train"].states)
    assert torch.equal(a.splits["test"].states, c.splits["test"].states)
    assert not torch.equal(a.splits["train"].states, d.splits["train"].states)


def test_ground_truth_reproduces_the_motion():
    data, w = _world(strength=1.5)
    tr = w.splits["train"]
    s = tr.states.double()
    pos, vel = s[:, :-1, :, :2], s[:, :-1, :, 2:4]
    partner = tr.partners.clamp_min(0)
    other = pos.gather(2, partner[..., None].expand(-1, -1, -1, 2))
    acc = accelerations(pos - other, 1.5)  # (K, S, T, N, 2)
    acc = acc.gather(0, tr.types[None, ..., None].expand(1, -1, -1, -1, 2)).squeeze(0)
    torch.testing.assert_close(s[:, 1:, :, 2:4], vel + data.dt * acc, atol=1e-5, rtol=0)
    # the partner is the nearest other particle, and "none" particles have none
    dist = torch.cdist(pos, pos) + torch.eye(4, dtype=torch.double) * 1e9
    interacting = tr.types != TYPES.index("none")
    assert torch.equal(dist.argmin(-1)[interacting], tr.partners[interacting])
    assert (tr.partners[~interacting] == -1).all()


def test_mix_selects_the_types():
    _, w = _world(types=("spring", "none"), mix=(1.0, 0.0))
    assert (w.splits["train"].types == TYPES.index("spring")).all()
    assert (w.splits["train"].states[..., 4] == 1).all()  # the one-hot species of a spring
