"""Cross-field checks of the RIMs family's worlds (registered by the rims family)."""

from __future__ import annotations

from zoo.errors import Issue


def rollout_issues(spec) -> list[Issue]:
    """Bouncing balls: the rollout must leave at least one frame to see."""
    d = spec.data
    if spec.train is None or getattr(d, "kind", None) != "bouncing_balls" or d.rollout < d.length:
        return []
    return [Issue(("data", "rollout"), f"{d.rollout} predicted frames leave none to see in sequences of "
                                       f"data.length={d.length} frames; use at most {d.length - 1}")]
