"""A predator-prey world written with NumPy alone (nothing from zoo), saved in zoo's trajectories format.

Six animals on a plane: predators chase the nearest prey, prey flee the nearest predator when it is
closer than ``ALARM`` and otherwise graze (their velocity decays), and wanderers drift at constant
velocity. Each transition's ground truth is its behaviour (chase, flee, graze, drift) and, for chase
and flee, the animal it reacts to. Slot features: x, y, vx, vy, then a one-hot role.
"""

from __future__ import annotations

import numpy as np

TYPES = ("chase", "flee", "graze", "drift")
ROLES = ("predator", "prey", "wanderer")
FEATURES = ("x", "y", "vx", "vy") + tuple(f"is_{r}" for r in ROLES)
ALARM, DT = 1.0, 0.05


def nearest(pos: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index and distance of the nearest candidate (other) animal: pos (S, N, 2), candidates (S, N) bool."""
    d = np.linalg.norm(pos[:, :, None] - pos[:, None], axis=-1)  # (S, N, N)
    d = np.where(candidates[:, None, :] & ~np.eye(pos.shape[1], dtype=bool), d, np.inf)
    j = d.argmin(-1)
    return j, np.take_along_axis(d, j[..., None], -1)[..., 0]


def step(pos, vel, role):
    """One semi-implicit Euler step; returns new pos, vel, types (S, N) and partners (S, N)."""
    prey, hunter = role == 1, role == 0
    j_prey, _ = nearest(pos, prey)
    j_hunter, d_hunter = nearest(pos, hunter)
    towards = np.take_along_axis(pos, j_prey[..., None], 1) - pos
    away = pos - np.take_along_axis(pos, j_hunter[..., None], 1)
    unit = lambda v: v / np.sqrt((v**2).sum(-1, keepdims=True) + 0.1)  # noqa: E731
    fleeing = prey & (d_hunter < ALARM)
    acc = np.where(hunter[..., None], 2.0 * unit(towards) - 0.5 * vel,
                   np.where(fleeing[..., None], 3.0 * unit(away) - 0.5 * vel,
                            np.where(prey[..., None], -2.0 * vel, 0.0)))
    types = np.select([hunter, fleeing, prey], [0, 1, 2], 3)
    partners = np.select([hunter, fleeing], [j_prey, j_hunter], -1)
    vel = vel + DT * acc
    return pos + DT * vel, vel, types, partners


def simulate(count: int, length: int, animals: int = 6, seed: int = 0) -> dict[str, np.ndarray]:
    """``count`` trajectories of ``length`` steps in the trajectories file format."""
    rng = np.random.default_rng(seed)
    role = np.tile(np.array([0, 1, 1, 1, 2, 2])[:animals], (count, 1))  # (S, N)
    pos, vel = rng.uniform(-1.5, 1.5, (count, animals, 2)), rng.normal(0, 0.3, (count, animals, 2))
    onehot = np.eye(len(ROLES))[role]
    states, types, partners = [], [], []
    for _ in range(length):  # data generation: a loop over time
        states.append(np.concatenate([pos, vel, onehot], -1))
        pos, vel, t, p = step(pos, vel, role)
        types.append(t)
        partners.append(p)
    states.append(np.concatenate([pos, vel, onehot], -1))
    return {"states": np.stack(states, 1).astype(np.float32), "types": np.stack(types, 1).astype(np.int64),
            "partners": np.stack(partners, 1).astype(np.int64), "type_names": np.array(TYPES),
            "feature_names": np.array(FEATURES)}


def write(path, count: int = 320, length: int = 30, seed: int = 0) -> None:
    """Simulate and save to ``path`` (an .npz file)."""
    np.savez(path, **simulate(count, length, seed=seed))
