"""Team sports: two teams of players and a ball on a pitch; players start in [-box, box]^2.

Objects are ordered: team -1 (``players`` of them), team +1, then the ball. Each player has a visible
role (its ground-truth type); with ``p`` its position, ``v`` its velocity, ``b`` the ball's position
and ``o`` the nearest opponent's position:

* pursue the ball:   ``2 (b - p) / sqrt(|b - p|^2 + 0.01) - v``             (context: the ball)
* mark an opponent:  ``3 (o - p) - 2 v``                                    (context: that opponent)
* hold the middle of the pitch, shifted towards the ball:
  ``4 (0.25 b - p) - 3 v``                                                   (context: the ball)

The ball rolls with friction on a slightly bowl-shaped pitch, ``-0.5 v - 0.5 b``, and the nearest
player pushes it along with its own velocity when close: ``+ kick * v_k * exp(-(d / 0.2)^2)``
(its context). The ball has no interaction type (-1). There are no walls: every law keeps the
objects near the pitch, and every step stays smooth. Slot features: x, y, vx, vy, team (-1, +1;
0 for the ball), then a one-hot over ``ROLES`` (all zero for the ball). No law reads the team or the
role, so a bank whose mechanisms see positions and velocities alone must split the roles.
"""

from __future__ import annotations

import torch

from zoo.envs.trajectories import SlotWorld, draw_categories, generators, nearest, simulate, take
from zoo.families.comet.spec import PLAYER_ROLES, SportsData

ROLES = PLAYER_ROLES
FEATURES = SportsData.FEATURES  # the spec language declares them, so a spec is checked without the data
PURSUIT, SOFT, MARK, MARK_DAMP, HOLD, HOLD_DAMP, SHIFT = 2.0, 0.01, 3.0, 2.0, 4.0, 3.0, 0.25
FRICTION, BOWL, REACH = 0.5, 0.5, 0.2


def player_accelerations(pos, vel, ball, opp) -> torch.Tensor:
    """(len(ROLES), S, N, 2) acceleration of every role, given the ball's and the marked opponent's
    positions."""
    to_ball = ball - pos
    pursue = PURSUIT * to_ball / (to_ball.pow(2).sum(-1, keepdim=True) + SOFT).sqrt() - vel
    mark = MARK * (opp - pos) - MARK_DAMP * vel
    hold = HOLD * (SHIFT * ball - pos) - HOLD_DAMP * vel
    return torch.stack([pursue, mark, hold])


def ball_acceleration(pos, vel, players: int, kick: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The ball's acceleration (S, 2) and the player pushing it (S,), the nearest one."""
    ball, ball_vel = pos[:, -1], vel[:, -1]
    dist = (pos[:, :players] - ball[:, None]).norm(dim=-1)  # (S, P)
    d, kicker = dist.min(dim=-1)
    push = take(vel, kicker[:, None]).squeeze(1) * torch.exp(-(d / REACH).pow(2))[:, None]
    return -FRICTION * ball_vel - BOWL * ball + kick * push, kicker


def step(z: torch.Tensor, players: int, kick: float, dt: float):
    """One transition: z (S, N, 8) -> next z, types (S, N), partners (S, N)."""
    pos, vel, team, roles = z[..., :2], z[..., 2:4], z[..., 4], z[..., 5:]
    n = z.shape[1]
    ball = n - 1
    rivals = (team[:, :, None] * team[:, None, :]) < 0  # (S, N, N) opposite teams
    opp, _ = nearest(pos, rivals)
    acc = player_accelerations(pos, vel, pos[:, ball:], take(pos, opp))  # (R, S, N, 2)
    role = roles.argmax(dim=-1)  # (S, N)
    acc = acc.gather(0, role[None, ..., None].expand(1, -1, -1, 2)).squeeze(0)
    acc[:, ball], kicker = ball_acceleration(pos, vel, 2 * players, kick)
    new_vel = vel + dt * acc
    partner = torch.stack([torch.full_like(opp, ball), opp, torch.full_like(opp, ball)])
    partner = partner.gather(0, role[None]).squeeze(0)
    partner[:, ball] = kicker
    types = role.clone()
    types[:, ball] = -1
    return torch.cat([pos + dt * new_vel, new_vel, z[..., 4:]], dim=-1), types, partner


def initial(data, count: int, gen: torch.Generator) -> torch.Tensor:
    """(count, N, 8) starting states: players anywhere, the ball near the centre, drawn roles."""
    p = data.players
    n = 2 * p + 1
    pos = (torch.rand(count, n, 2, generator=gen) * 2 - 1) * data.box * 0.8
    pos[:, -1] *= 0.5
    vel = torch.randn(count, n, 2, generator=gen) * 0.3
    team = torch.cat([-torch.ones(p), torch.ones(p), torch.zeros(1)]).expand(count, -1)
    local = draw_categories(data.mix, len(data.roles), (count, 2 * p), gen)
    role = torch.tensor([ROLES.index(r) for r in data.roles])[local]
    onehot = torch.nn.functional.one_hot(role, len(ROLES)).float()
    onehot = torch.cat([onehot, torch.zeros(count, 1, len(ROLES))], dim=1)  # the ball has no role
    return torch.cat([pos, vel, team[..., None], onehot], dim=-1)


def make(data, seed: int) -> SlotWorld:
    """The sports world of ``data`` (a SportsData spec), generated from ``seed``."""

    def advance(z: torch.Tensor):
        return step(z, data.players, data.kick, data.dt)

    splits = {}
    for name, count, gen in zip(("train", "test"), (data.trajectories, data.test_trajectories), generators(seed)):
        splits[name] = simulate(initial(data, count, gen).double(), advance, data.length, data.noise, gen)
    return SlotWorld(splits, ROLES, FEATURES, static=tuple(range(4, 4 + 1 + len(ROLES))))
