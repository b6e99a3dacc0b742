"""The data's scales for a COMET model's normalised parts (``mechanisms[].normalize``, ``router.normalize``).

They are measured on the training split when a procedure starts: a bank reads each slot feature divided by its
standard deviation and writes each change times the feature's standard deviation (``state``) or its
root-mean-square one-step change (``change``), or reads the features as they are and writes changes times
their standard deviation (``output``); the router reads every feature divided by its standard deviation. A
bank loaded from ``source`` keeps the scales it was trained with (they are saved with it), so a composed
mechanism keeps its units.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def read_features(spec, dim: int) -> list[int]:
    """The slot features a COMET model's mechanisms read: ``model.features``, else all ``dim``."""
    return list(getattr(spec.model, "features", None) or range(dim))


def written_features(spec, dim: int) -> list[int]:
    """The slot features they change: ``model.changes``, else the features they read."""
    return list(getattr(spec.model, "changes", None) or read_features(spec, dim))


def set_data_scales(spec, model, world, banks: Sequence[str]) -> None:
    """Give the normalised ``banks`` trained here (not loaded from a source) and the normalised router the scales
    of ``world``'s training split."""
    state, change = world.state_scale(), world.delta_scale()  # (D,) each, 1 where constant
    read, written = read_features(spec, state.shape[0]), written_features(spec, state.shape[0])
    for name in banks:
        bank = spec.bank(name)
        normalize = getattr(bank, "normalize", None)
        if normalize is not None and bank.source is None:
            module, out = model.get_submodule(name), change if normalize == "change" else state
            seen = torch.ones(len(read)) if normalize == "output" else state[read]
            module.set_scales(seen.to(module.input_scale), out[written].to(module.output_scale))
    if getattr(spec.router, "normalize", False):
        router = model.get_submodule("router")
        router.set_scale(state.to(router.feature_scale))


SMALL_CHANGE = 0.01  # zoo's particle worlds change by about 0.03 per step; a tenth of their units learned nothing


def small_units_warning(spec, world, banks: Sequence[str], metrics: dict[str, float]) -> str | None:
    """A line for an evaluation where one mechanism wins nearly everything in data whose one-step changes are
    small, and no bank is normalised: the likely cause, and the options that remove it."""
    if any(getattr(spec.bank(name), "normalize", None) for name in banks) or metrics.get("mechanisms_used", 2) > 1:
        return None
    scale = world.delta_scale()
    change = float(scale[read_features(spec, scale.shape[0])].median())
    if change >= SMALL_CHANGE:
        return None
    return (f"one mechanism wins nearly every transition, and the data's features change by about {change:.2g} per "
            f"step (zoo's particle worlds: about 0.03); in units this small the mechanisms may not learn at all: set "
            "mechanisms[0].normalize: state and router.normalize: true (docs/own-data.md)")
