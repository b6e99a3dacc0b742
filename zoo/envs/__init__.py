"""Synthetic environments with ground truth, generated offline from a seed, by ``data.kind``.

Each maker takes the data spec and a seed and returns an environment object; the procedure that
trains on it knows its interface (see each module's docstring).
"""

from __future__ import annotations

from typing import Any, Callable

ENVIRONMENTS: dict[str, Callable[[Any, int], Any]] = {}


def make_env(data, seed: int) -> Any:
    """The environment named by ``data.kind``, generated from ``seed``."""
    try:
        maker = ENVIRONMENTS[data.kind]
    except KeyError:
        known = ", ".join(sorted(ENVIRONMENTS)) or "(none)"
        raise ValueError(f"no environment {data.kind!r}; known: {known}") from None
    return maker(data, seed)


def _register() -> None:
    from zoo.envs import sprites

    ENVIRONMENTS["sprites"] = sprites.make


_register()
