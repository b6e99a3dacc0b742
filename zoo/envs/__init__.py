"""Synthetic environments with ground truth, generated offline from a seed, by ``data.kind``.

Each maker takes the data spec and a seed and returns an environment object; the procedure that
trains on it knows its interface (see each module's docstring).
"""

from __future__ import annotations

from typing import Any, Callable

from zoo.envs import balls, copying, digits, hyperteacher, particles, sports, sprites, traffic
from zoo.envs.files import MAKERS as FILE_MAKERS
from zoo.envs.regression import make_regression

ENVIRONMENTS: dict[str, Callable[[Any, int], Any]] = {
    "particles": particles.make,
    "traffic": traffic.make,
    "sports": sports.make,
    "sequential_digits": digits.make,
    "copying": copying.make,
    "bouncing_balls": balls.make,
    "hyperteacher": hyperteacher.make,
    "sprites": sprites.make,
    "regression": make_regression,
    **FILE_MAKERS,
}


def make_env(data, seed: int) -> Any:
    """The environment named by ``data.kind``, generated from ``seed``."""
    try:
        maker = ENVIRONMENTS[data.kind]
    except KeyError:
        from zoo.errors import SpecError

        known = ", ".join(sorted(ENVIRONMENTS)) or "(none)"
        raise SpecError(f"no environment {data.kind!r} is installed; known: {known}", ("data", "kind")) from None
    return maker(data, seed)

