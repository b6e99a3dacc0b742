"""The traffic world: leaders, regimes and the laws that move the cars."""

from __future__ import annotations

import torch

from zoo.envs import make_env
from zoo.families.comet.traffic import A_MAX, BRAKE_GAP, K_BRAKE, K_SPEED, TYPES
from zoo.families.comet.spec import TrafficData


def _world():
    data = TrafficData(kind="traffic", lanes=2, cars_per_lane=3, length=8, trajectories=6, test_trajectories=2)
    return data, make_env(data, seed=1)


def test_shapes_and_static_features():
    _, w = _world()
    s = w.splits["train"].states
    assert s.shape == (6, 9, 6, 4) and w.type_names == TYPES
    assert torch.equal(s[:, :, :, 1], s[:, :1, :, 1].expand_as(s[:, :, :, 1]))  # lanes never change
    assert torch.equal(s[:, :, :, 3], s[:, :1, :, 3].expand_as(s[:, :, :, 3]))  # desired speeds neither


def test_leaders_and_regimes_follow_the_rules():
    data, w = _world()
    tr = w.splits["train"]
    x, lane, v, v0 = tr.states[:, :-1].unbind(-1)
    for (s, t, i) in torch.nonzero(tr.types >= 0).tolist():
        ahead = [j for j in range(6) if lane[s, t, j] == lane[s, t, i] and x[s, t, j] > x[s, t, i]]
        kind, partner = TYPES[tr.types[s, t, i]], tr.partners[s, t, i].item()
        if not ahead or min(x[s, t, j] - x[s, t, i] for j in ahead) > data.view:
            assert kind == "free" and partner == -1
            continue
        leader = min(ahead, key=lambda j: x[s, t, j])
        assert partner == leader
        assert (kind == "braking") == bool(x[s, t, leader] - x[s, t, i] < BRAKE_GAP)


def test_laws_reproduce_the_speeds():
    data, w = _world()
    tr = w.splits["train"]
    s = tr.states.double()
    v, v0, nv = s[:, :-1, :, 2], s[:, :-1, :, 3], s[:, 1:, :, 2]
    u = v.gather(2, tr.partners.clamp_min(0))
    laws = torch.stack([A_MAX * (1 - v / v0), K_SPEED * (u - v), -K_BRAKE * v])
    acc = laws.gather(0, tr.types.clamp_min(0)[None]).squeeze(0)
    ok = tr.types >= 0
    torch.testing.assert_close(nv[ok], (v + data.dt * acc)[ok], atol=1e-5, rtol=0)
    assert {0, 1, 2} <= set(tr.types.unique().tolist())
