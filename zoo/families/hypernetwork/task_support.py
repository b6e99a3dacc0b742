"""Which expert combinations a hyperteacher trains on (in-distribution) and which it holds out (OOD).

A task picks, in each of the G generated layers, a set of 1..hot experts out of E: a k-hot row.
A task is therefore a (G, E) 0/1 pattern; every function here works on stacks of patterns (N, G, E).
"""

from __future__ import annotations

import itertools

import torch


def k_hot(sets: list[tuple[int, ...]], experts: int) -> torch.Tensor:
    """0/1 rows (N, E), one per set of expert indices."""
    out = torch.zeros(len(sets), experts)
    for i, s in enumerate(sets):
        out[i, list(s)] = 1.0
    return out


def layer_patterns(experts: int, hot: int) -> torch.Tensor:
    """Every 1..hot-hot row (C, E): one-hots first, then pairs, ... each in lexicographic order."""
    sets = [s for h in range(1, hot + 1) for s in itertools.combinations(range(experts), h)]
    return k_hot(sets, experts)


def all_tasks(experts: int, hot: int, layers: int) -> torch.Tensor:
    """Every task (N, G, E): the product of ``layer_patterns`` over the G generated layers."""
    rows = layer_patterns(experts, hot)  # (C, E)
    index = torch.cartesian_prod(*[torch.arange(len(rows))] * layers).reshape(-1, layers)  # (N, G)
    return rows[index]


def connected_rows(experts: int) -> torch.Tensor:
    """One-hots and the pairs (i, i+1) and (i, i+2) mod E: (3E, E)."""
    sets = [(i,) for i in range(experts)]
    sets += [(i, (i + 1) % experts) for i in range(experts)]
    sets += [(i, (i + 2) % experts) for i in range(experts)]
    return k_hot(sets, experts)


def _rows_in(tasks: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """(N, G) bool: whether each layer's row of each task is one of ``rows``."""
    same = (tasks.unsqueeze(-2) == rows).all(-1)  # (N, G, R)
    return same.any(-1)


def connected_mask(tasks: torch.Tensor) -> torch.Tensor:
    """(N,) tasks whose every layer is a connected row."""
    return _rows_in(tasks, connected_rows(tasks.shape[-1])).all(-1)


def disconnected_mask(tasks: torch.Tensor) -> torch.Tensor:
    """(N,) tasks whose experts all lie in the first half {0..E/2-1}, or all in the second half."""
    half = tasks.shape[-1] // 2
    first = (tasks[..., half:] == 0).all(-1).all(-1)
    second = (tasks[..., :half] == 0).all(-1).all(-1)
    return first | second


def non_compositional_mask(tasks: torch.Tensor) -> torch.Tensor:
    """(N,) tasks that never use the last expert (the held-out tasks all use it)."""
    return (tasks[..., -1] == 0).all(-1)


def random_mask(tasks: torch.Tensor, holdout: float, seed: int) -> torch.Tensor:
    """(N,) a seeded random split keeping ``1 - holdout`` of the tasks."""
    n = len(tasks)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    keep = torch.ones(n, dtype=torch.bool)
    keep[order[n - int(n * holdout):]] = False
    return keep


def split_tasks(support: str, experts: int, hot: int, layers: int, holdout: float = 0.25,
                seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """In-distribution and OOD tasks, each (N, G, E), for a task support kind.

    Connected and disconnected supports share their OOD set: every task in neither support.

    Raises:
        ValueError: an unknown support kind, or a split that leaves one side empty.
    """
    tasks = all_tasks(experts, hot, layers)
    if support == "random":
        inside = random_mask(tasks, holdout, seed)
        outside = ~inside
    elif support == "non_compositional":
        inside = non_compositional_mask(tasks)
        outside = ~inside
    elif support in ("connected", "disconnected"):
        conn, disc = connected_mask(tasks), disconnected_mask(tasks)
        inside = conn if support == "connected" else disc
        outside = ~(conn | disc)
    else:
        raise ValueError(f"unknown task support {support!r}")
    if not inside.any() or not outside.any():
        raise ValueError(f"the {support} support leaves no in-distribution or no OOD task")
    return tasks[inside], tasks[outside]
