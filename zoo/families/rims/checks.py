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


def pixel_input_issues(spec) -> list[Issue]:
    """Sequential digits: the model's input must take the pixels as the data gives them (tokens or floats)."""
    d, inp = spec.data, getattr(spec.model, "input", None)
    if getattr(d, "kind", None) != "sequential_digits" or inp is None:
        return []
    if d.pixels == "floats" and inp.features != 1:
        return [Issue(("model", "input"), "data.pixels: floats gives each pixel as a feature vector of width 1; "
                                          "set model.input to {features: 1}")]
    if d.pixels == "tokens" and inp.vocab is None:
        return [Issue(("model", "input"), "data.pixels: tokens gives each pixel as a token 0 or 1; set "
                                          "model.input.vocab to 2 (or data.pixels to floats with model.input "
                                          "{features: 1})")]
    return []
