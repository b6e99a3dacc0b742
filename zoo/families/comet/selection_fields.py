"""The fields that say how COMET's procedures pick the winning (mechanism, context) pair over a window: the
horizon, and each option's field (default and description), shared by the compete and compose procedures."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

Horizon = Annotated[int, Field(ge=1, le=1000)]


def context_per_step_field() -> bool:
    return Field(
        default=False,
        description="Over the horizon the winning mechanism stays the same but its context may change from step to "
        "step (the pair's error is its error at the first step plus its mechanism's best context error at each "
        "later step); false: one (mechanism, context) pair for the whole horizon.",
    )


def select_on_field() -> str:
    return Field(
        default="steps",
        description="What the winning pair is chosen by: 'steps', its one-step errors averaged over the horizon; "
        "'change', the error of its one-step changes summed over the horizon against the observed change from the "
        "window's first to its last state (observation noise enters once, a wrong law's error grows with the "
        "horizon). Either way the winner learns from its one-step errors. 'change' keeps one context per horizon.",
    )


def context_by_field() -> str:
    return Field(
        default="object",
        description="What a pair's context is over the horizon: 'object', the same context object at every step (a "
        "pair whose object leaves the candidate list is judged on the first step alone); 'rank', the same position "
        "in the slot's candidate list (with a knn graph: its nearest neighbour, whichever object that is at each "
        "step), so longer horizons keep every pair.",
    )


def switch_rate_field() -> float | None:
    return Field(default=None, gt=0.0, lt=1.0, description=(
        "When set, each step's winning pair of a slot is the step's pair on its cheapest path through the window: "
        "its one-step errors plus a cost per change of pair, that of a sticky Markov chain changing pair with this "
        "probability per step, with noise of the size of the residual error. Evidence accumulates where noise "
        "swamps one step; a slot whose type changes mid-window changes pair. Unset: one pair per 'horizon' steps."))
