"""What a perfect bank could reach: the suite's true laws, competing as COMET's mechanisms do.

For every world of bench/comet_worlds.py, each transition is scored by every true law of the world, in
COMET's units (each velocity's squared error over its mean squared one-step change). A particle world's
laws act with the nearest other object as their partner ("none" predicts no change). Predator-prey's
chase and flee act with the best of the k nearest objects (two), the candidates the catalogue's knn graph
offers (``path_partner``: with the object the role picks, nearest prey or nearest hunter); graze and drift
need no partner. The winner is the law with the lowest error over a window of H steps, as ``train.horizon``
picks it, or on the cheapest path with ``train.switch_rate``.
The NMI of those winners against the ground-truth types bounds what a learned bank can reach with
that way of choosing: where it is below the bar, the world's transitions do not hold the information.

    PYTHONPATH=. python bench/comet_bound.py            # writes bench/records/comet-bound.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from comet_worlds import DT, LAWS, WORLDS, ParticleWorld, PredatorPrey, draw, nearest, take, unit  # bench/
from zoo.families.comet.metrics import contingency, nmi
from zoo.families.comet.paths import cheapest_path, switch_cost
from zoo.io import write_json
from zoo.schema import load_spec

CATALOGUE = load_spec("comet-particles")  # the settings the suite runs with
HORIZONS = (1, 6, 29)  # one step, a 6-step window (the catalogue's horizon before paths), a whole trajectory
SWITCH_RATE = CATALOGUE.train.switch_rate
SEEDS = (0, 1, 2)
CANDIDATES = CATALOGUE.interactions.k  # objects a knn graph offers as partners


def law_errors(world: ParticleWorld, states: np.ndarray) -> torch.Tensor:
    """Squared velocity error of each of the world's laws at every transition: (S, T, N, K) in units of
    the mean squared one-step change of each velocity."""
    pos, vel = states[..., :2], states[..., 2:4]
    s, t1, n, _ = pos.shape
    flat = pos.reshape(s * t1, n, 2)
    j, _ = nearest(flat, np.ones((s * t1, n), dtype=bool))
    acc = world.accelerations(flat - take(flat, j)).reshape(len(LAWS), s, t1, n, 2)[:, :, :-1]
    acc = acc[[LAWS.index(name) for name in world.type_names]]  # radius: "none" is a law of the world too
    return scaled_errors(world.dt * acc, vel)


def scaled_errors(predicted: np.ndarray, vel: np.ndarray) -> torch.Tensor:
    """Squared error of predicted velocity changes (K, S, T, N, 2) against the observed ones of ``vel``
    (S, T+1, N, 2), per velocity over its mean squared one-step change: (S, T, N, K)."""
    change = vel[:, 1:] - vel[:, :-1]  # (S, T, N, 2)
    scale = (change**2).reshape(-1, 2).mean(0)
    err = ((predicted - change) ** 2 / scale).mean(-1)  # (K, S, T, N)
    return torch.from_numpy(np.moveaxis(err, 0, -1))


def role_law_errors(world: PredatorPrey, states: np.ndarray, partner: bool = False) -> torch.Tensor:
    """:func:`law_errors` of predator-prey's laws (chase, flee, graze, drift): chase and flee with the best of
    the ``CANDIDATES`` nearest objects as partner, or with ``partner`` the one their role picks."""
    pos, vel, role = states[..., :2], states[..., 2:4], states[..., 4:7].argmax(-1)
    s, t1, n, _ = pos.shape
    flat, v, r = pos.reshape(s * t1, n, 2), vel.reshape(s * t1, n, 2), role.reshape(s * t1, n)
    if partner:
        prey, hunters = [nearest(flat, r == 1)[0]], [nearest(flat, r == 0)[0]]
    else:
        d = np.where(np.eye(n, dtype=bool), np.inf, np.linalg.norm(flat[:, :, None] - flat[:, None], axis=-1))
        prey = hunters = list(np.moveaxis(d.argsort(-1)[..., :CANDIDATES], -1, 0))
    chase = np.stack([world.chase * unit(take(flat, j) - flat) - world.drag * v for j in prey])
    flee = np.stack([world.flee * unit(flat - take(flat, j)) - world.drag * v for j in hunters])
    laws = (chase, flee, -world.graze * v[None], np.zeros_like(v)[None])  # each (candidates, S*T1, N, 2)
    per = [scaled_errors(DT * a.reshape(-1, s, t1, n, 2)[:, :, :-1], vel).min(-1).values for a in laws]
    return torch.stack(per, -1)


def window_winners(err: torch.Tensor, h: int) -> torch.Tensor:
    """The law with the lowest mean error over each window of ``h`` steps: (S, T, N, K) -> (S, T-h+1, N)."""
    return err.unfold(1, h, 1).mean(-1).argmin(-1)


def bounds(name: str, seed: int) -> dict[str, float]:
    """NMI of the true laws' winners on world ``name`` drawn from ``seed`` (its test trajectories)."""
    world, arrays = WORLDS[name], draw(name, seed)  # the draw bench/comet_robustness.py trains on
    test = arrays["split"] == "test"
    states, types = arrays["states"][test].astype(np.float64), torch.from_numpy(arrays["types"][test])
    states[..., :4] /= getattr(world, "units", 1.0)  # the laws act in the world's own units
    k = len(world.type_names)
    out = {}
    if isinstance(world, PredatorPrey):
        err = role_law_errors(world, states)
        partner = role_law_errors(world, states, partner=True)
        out["path_partner"] = path_nmi(partner, types)
    else:
        err = law_errors(world, states)
    for h in HORIZONS:
        w = window_winners(err, h)
        out[f"window_{h}"] = nmi(contingency(w, types[:, : w.shape[1]], k, k))
    out["path"] = path_nmi(err, types)
    return out


def path_nmi(err: torch.Tensor, types: torch.Tensor) -> float:
    """NMI against ``types`` (S, T, N) of the laws on each object's cheapest path through errors ``err`` (S, T, N, K)."""
    k = err.shape[-1]
    return nmi(contingency(cheapest_path(err, switch_cost(err, SWITCH_RATE, 2)), types, k, k))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/records/comet-bound.json"))
    args = parser.parse_args()
    record = {}
    for name in sorted(WORLDS):
        record[name] = {str(seed): bounds(name, seed) for seed in SEEDS}
        print(name, {key: round(min(r[key] for r in record[name].values()), 3) for key in record[name]["0"]})
    write_json(args.out, record)


if __name__ == "__main__":
    main()
