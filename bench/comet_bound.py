"""What a perfect bank could reach: the suite's true laws, competing as COMET's mechanisms do.

For every particle world of bench/comet_worlds.py (predator-prey has no single law per type and is
left out), each transition is scored by every true law of the world (the law applied with the nearest
other object as its partner; "none" predicts no change), in COMET's units (each velocity's squared
error over its mean squared one-step change). The winner is the law with the lowest error over a
window of H steps, as ``train.horizon`` picks it, or on the cheapest path with ``train.switch_rate``.
The NMI of those winners against the ground-truth types bounds what a learned bank can reach with
that way of choosing: where it is below the bar, the world's transitions do not hold the information.

    PYTHONPATH=. python bench/comet_bound.py            # writes bench/records/comet-bound.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from comet_worlds import LAWS, WORLDS, ParticleWorld, draw, nearest, take  # bench/, beside this file
from zoo.families.comet.metrics import contingency, nmi
from zoo.families.comet.paths import cheapest_path, switch_cost
from zoo.io import write_json

HORIZONS = (1, 6, 29)  # one step, the catalogue's horizon, a whole trajectory of the suite
SWITCH_RATE = 0.01  # the catalogue's train.switch_rate
SEEDS = (0, 1, 2)


def law_errors(world: ParticleWorld, states: np.ndarray) -> torch.Tensor:
    """Squared velocity error of each of the world's laws at every transition: (S, T, N, K) in units of
    the mean squared one-step change of each velocity."""
    pos, vel = states[..., :2], states[..., 2:4]
    s, t1, n, _ = pos.shape
    flat = pos.reshape(s * t1, n, 2)
    j, _ = nearest(flat, np.ones((s * t1, n), dtype=bool))
    acc = world.accelerations(flat - take(flat, j)).reshape(len(LAWS), s, t1, n, 2)[:, :, :-1]
    acc = acc[[LAWS.index(name) for name in world.type_names]]  # radius: "none" is a law of the world too
    change = vel[:, 1:] - vel[:, :-1]  # (S, T, N, 2)
    scale = (change**2).reshape(-1, 2).mean(0)
    err = ((world.dt * acc - change) ** 2 / scale).mean(-1)  # (K, S, T, N)
    return torch.from_numpy(np.moveaxis(err, 0, -1))


def window_winners(err: torch.Tensor, h: int) -> torch.Tensor:
    """The law with the lowest mean error over each window of ``h`` steps: (S, T, N, K) -> (S, T-h+1, N)."""
    return err.unfold(1, h, 1).mean(-1).argmin(-1)


def bounds(name: str, seed: int) -> dict[str, float]:
    """NMI of the true laws' winners on world ``name`` drawn from ``seed`` (its test trajectories)."""
    world, arrays = WORLDS[name], draw(name, seed)  # the draw bench/comet_robustness.py trains on
    test = arrays["split"] == "test"
    states, types = arrays["states"][test].astype(np.float64), torch.from_numpy(arrays["types"][test])
    states[..., :4] /= world.units  # the laws act in the world's own units
    err, k = law_errors(world, states), len(world.type_names)
    out = {}
    for h in HORIZONS:
        w = window_winners(err, h)
        out[f"window_{h}"] = nmi(contingency(w, types[:, : w.shape[1]], k, k))
    path = cheapest_path(err, switch_cost(err, SWITCH_RATE, 2))
    out["path"] = nmi(contingency(path, types, k, k))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/records/comet-bound.json"))
    args = parser.parse_args()
    record = {}
    for name, world in sorted(WORLDS.items()):
        if isinstance(world, ParticleWorld):
            record[name] = {str(seed): bounds(name, seed) for seed in SEEDS}
            print(name, {key: round(min(r[key] for r in record[name].values()), 3) for key in record[name]["0"]})
    write_json(args.out, record)


if __name__ == "__main__":
    main()
