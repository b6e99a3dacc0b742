"""The team-sports world: roles, contexts (ball or marked opponent) and the ball's lack of a type."""

from __future__ import annotations

import torch

from zoo.envs import make_env
from zoo.families.comet.sports import ROLES
from zoo.families.comet.spec import SportsData


def _world(**kw):
    data = SportsData(kind="sports", players=2, length=6, trajectories=5, test_trajectories=2, **kw)
    return data, make_env(data, seed=2)


def test_shapes_roles_and_ball():
    _, w = _world()
    tr = w.splits["train"]
    assert tr.states.shape == (5, 7, 5, 8) and w.type_names == ROLES
    assert (tr.types[:, :, 4] == -1).all()  # the ball has no interaction type
    assert torch.equal(tr.types[:, :, :4], tr.states[:, :-1, :4, 5:].argmax(-1))  # role = visible one-hot
    assert torch.equal(tr.states[0, 0, :, 4], torch.tensor([-1.0, -1.0, 1.0, 1.0, 0.0]))


def test_contexts_are_the_ball_or_the_nearest_opponent():
    _, w = _world()
    tr = w.splits["train"]
    pos = tr.states[:, :-1, :, :2]
    for (s, t, i) in torch.nonzero(tr.types >= 0).tolist():
        role, partner = ROLES[tr.types[s, t, i]], tr.partners[s, t, i].item()
        if role in ("pursue", "hold"):
            assert partner == 4
        else:
            rivals = [2, 3] if i < 2 else [0, 1]
            assert partner == min(rivals, key=lambda j: (pos[s, t, j] - pos[s, t, i]).norm().item())


def test_roles_follow_the_mix():
    _, w = _world(roles=("mark", "hold"), mix=(0.0, 1.0))
    assert (w.splits["train"].types[:, :, :4] == ROLES.index("hold")).all()
