"""Sweep test helpers: a COMET spec that trains in a fraction of a second, and its sweep options."""

from __future__ import annotations

import pytest

TINY = ("train.steps=2", "train.eval_every=0", "data.trajectories=8", "data.test_trajectories=4", "slots.count=3",
        "data.objects=3", "mechanisms[0].hidden=[8]", "router.hidden=[8]")


@pytest.fixture
def tiny() -> tuple[str, ...]:
    """``--set`` overrides that make comet-particles train in a fraction of a second."""
    return TINY
