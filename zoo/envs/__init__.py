"""Synthetic environments with ground truth, generated offline from a seed, by ``data.kind``.

Each maker takes the data spec and a seed and returns an environment object; the procedure that
trains on it knows its interface (see each module's docstring).
"""

from __future__ import annotations

from typing import Any

from zoo.envs.files import MAKERS as FILE_MAKERS
from zoo.envs.regression import make_regression
from zoo.errors import SpecError
from zoo.registry import ENVIRONMENTS

ENVIRONMENTS.register("regression", make_regression)
for _kind, _maker in FILE_MAKERS.items():
    ENVIRONMENTS.register(_kind, _maker)


def make_env(data, seed: int) -> Any:
    """The environment named by ``data.kind``, generated from ``seed``."""
    try:
        maker = ENVIRONMENTS.get(data.kind)
    except KeyError:
        known = ", ".join(ENVIRONMENTS.names()) or "(none)"
        raise SpecError(f"no environment {data.kind!r} is installed; known: {known}", ("data", "kind")) from None
    return maker(data, seed)

