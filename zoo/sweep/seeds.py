"""Seed lists as users write them: ``0-4``, ``0,2,5``, ``0-2,7``, one integer, or a list of integers."""

from __future__ import annotations

import re
from typing import Any

MAX_SEED = 2**31 - 1  # the spec's train.seed bound
MAX_SEEDS = 10_000

_PART = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def parse_seeds(value: Any) -> tuple[int, ...]:
    """The seeds ``value`` names, in order, without repeats.

    Args:
        value: ``"0-4"`` (a range, both ends included), ``"0,2,5"``, ``"0-2,7"``, an int, or a list of ints.

    Raises:
        ValueError: with a message saying what is accepted.
    """
    if isinstance(value, bool):
        raise ValueError(f"seeds must be integers or ranges like 0-4, got {value!r}")
    if isinstance(value, int):
        parts: list[Any] = [value]
    elif isinstance(value, str):
        parts = value.split(",") if value.strip() else []
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise ValueError(f"seeds are a range like 0-4, a list like 0,2,5 or a list of integers, got {value!r}")
    seeds: list[int] = []
    for part in parts:
        seeds += _one_part(part)
        if len(seeds) > MAX_SEEDS:
            raise ValueError(f"more than {MAX_SEEDS} seeds")
    if not seeds:
        raise ValueError("no seeds given; write a range like 0-4 or a list like 0,2,5")
    return tuple(dict.fromkeys(seeds))


def _one_part(part: Any) -> list[int]:
    """The seeds of one comma-separated part (``"3"``, ``"0-4"``) or one list item."""
    if isinstance(part, int) and not isinstance(part, bool):
        low = high = part
    else:
        m = _PART.match(str(part)) if isinstance(part, str) else None
        if not m:
            raise ValueError(f"{part!r} is not a seed or a range of seeds (write 3, 0-4 or 0,2,5)")
        low, high = int(m.group(1)), int(m.group(2) if m.group(2) is not None else m.group(1))
    if not 0 <= low <= MAX_SEED or not 0 <= high <= MAX_SEED:
        raise ValueError(f"seeds are between 0 and {MAX_SEED}, got {part!r}")
    if high < low:
        raise ValueError(f"the range {part!r} runs backwards; write {high}-{low}")
    if high - low >= MAX_SEEDS:
        raise ValueError(f"more than {MAX_SEEDS} seeds")
    return list(range(low, high + 1))
