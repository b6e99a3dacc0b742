"""Cross-field checks of the ``hyperteacher`` data section (registered by the hypernetwork family)."""

from __future__ import annotations

from math import comb

from zoo.errors import Issue
from zoo.families.hypernetwork.spec import HyperteacherData

MAX_TASKS = 200_000


def combinations_per_layer(experts: int, hot: int) -> int:
    """How many 1..hot-hot expert combinations one generated layer has."""
    return sum(comb(experts, h) for h in range(1, hot + 1))


def hyperteacher_issues(spec) -> list[Issue]:
    """Every problem of a ``hyperteacher`` data section, each at its spec path."""
    d = spec.data
    if not isinstance(d, HyperteacherData):
        return []
    issues: list[Issue] = []
    layers = len(d.hidden) + 1
    for i, g in enumerate(d.generated):
        if g >= layers:
            issues.append(Issue(("data", "generated", i), f"layer {g} does not exist; the teacher has layers 0..{layers - 1}"))
    if len(set(d.generated)) != len(d.generated):
        issues.append(Issue(("data", "generated"), f"layers must not repeat, got {list(d.generated)}"))
    if d.hot > d.experts:
        issues.append(Issue(("data", "hot"), f"hot={d.hot} exceeds experts={d.experts}"))
        return issues
    if d.support in ("connected", "disconnected"):
        if d.hot != 2:
            issues.append(Issue(("data", "hot"), f"the {d.support} support is built from pairs of experts; it needs hot: 2"))
        if d.experts < 6 or d.experts % 2:
            issues.append(Issue(("data", "experts"), f"the {d.support} support needs an even number of experts >= 6"))
    if d.support == "non_compositional" and d.experts < 2:
        issues.append(Issue(("data", "experts"), "the non_compositional support needs at least 2 experts"))
    total = combinations_per_layer(d.experts, d.hot) ** len(set(d.generated))
    if total > MAX_TASKS:
        issues.append(Issue(("data",), f"{total} expert combinations exceed the limit of {MAX_TASKS}; use fewer experts, hot or generated layers"))
    elif d.support == "random" and not 1 <= int(total * d.holdout) <= total - 1:
        issues.append(Issue(("data", "holdout"), f"holding out {d.holdout} of {total} tasks leaves no in-distribution or no OOD task"))
    return issues
