"""Per-run records of a bench part (one dict per run: the fields that name the run, e.g. method and seed, and
its figure): checked, joined with the recorded ones by those fields, and averaged by group.
"""

from __future__ import annotations

from collections.abc import Iterable


def check_runs(runs: object, fields: tuple[str, ...], where: str) -> list[dict]:
    """``runs`` as a list of records, each with every one of ``fields``.

    Raises:
        ValueError: ``runs`` is not a list of mappings, or a record lacks a field (``where`` names the array).
    """
    if not isinstance(runs, list):
        raise ValueError(f"{where}: expected a list of run records, got {type(runs).__name__}")
    for i, run in enumerate(runs):
        missing = [f for f in fields if not isinstance(run, dict) or f not in run]
        if missing:
            raise ValueError(f"{where}[{i}]: lacks {', '.join(missing)}")
    return runs


def joined(recorded: Iterable[dict], new: Iterable[dict], key: tuple[str, ...]) -> list[dict]:
    """The ``new`` runs and those ``recorded`` whose ``key`` fields match no new run's, sorted by ``key``."""
    new = list(new)
    taken = {tuple(r[f] for f in key) for r in new}
    kept = [r for r in recorded if tuple(r[f] for f in key) not in taken]
    return sorted(kept + new, key=lambda r: tuple(r[f] for f in key))


def means(runs: Iterable[dict], by: tuple[str, ...], value: str) -> dict[tuple, float]:
    """The mean of ``value`` over the runs of each group of equal ``by`` fields (summed in the runs' order)."""
    groups: dict[tuple, list[float]] = {}
    for r in runs:
        groups.setdefault(tuple(r[f] for f in by), []).append(r[value])
    return {group: sum(values) / len(values) for group, values in groups.items()}
