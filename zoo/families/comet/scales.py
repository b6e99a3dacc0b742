"""The data's scales for a COMET model's normalised parts (``mechanisms[].normalize``, ``router.normalize``).

They are measured on the training split when a procedure starts: a bank reads each slot feature divided by its
standard deviation and writes each change times the feature's standard deviation (``state``) or its
root-mean-square one-step change (``change``), or reads the features as they are and writes changes times
their standard deviation (``output``); the router reads every feature divided by its standard deviation. With
``auto`` the data keeps its units unless they are far from the catalogue's: one factor for every feature read
brings their overall spread into ``SPREAD`` (the slot features of zoo's particle worlds spread by 0.65 to 0.82),
and a second factor, on what is written only, brings the one-step change so read into ``CHANGE`` (theirs: 0.02 to
0.08); data within both bands is read and written exactly as it is. A bank loaded from ``source`` keeps the
scales it was trained with (they are saved with it), so a composed mechanism keeps its units.
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


SPREAD = (0.5, 2.0)  # auto: the band of the features' root-mean-square standard deviation kept as it is
CHANGE = (0.01, 0.1)  # auto: the band of their root-mean-square one-step change (in the read units) kept as it is


def into_band(value: float, band: tuple[float, float]) -> float:
    """The factor that brings ``value`` into ``band``: 1 within it, else the nearer edge over ``value``."""
    low, high = band
    return 1.0 if low <= value <= high else min(max(value, low), high) / value


def auto_scales(spread: torch.Tensor, change: torch.Tensor) -> tuple[float, float]:
    """``auto``'s (input, output) scales for the standard deviations ``spread`` (read,) and one-step changes
    ``change`` (written,) of the features read and written: one unit for all of them (input), then the written
    change's size (output). Both are exactly 1 for data within the bands."""
    unit = 1.0 / into_band(float(spread.pow(2).mean().sqrt()), SPREAD)
    step = 1.0 / into_band(float(change.pow(2).mean().sqrt()) / unit, CHANGE)
    return unit, unit * step


def bank_scales(normalize: str, spread: torch.Tensor, change: torch.Tensor, read: list[int],
                written: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """The (input, output) scales, (read,) and (written,), of a bank normalised as ``normalize`` for features of
    standard deviation ``spread`` (D,) and root-mean-square one-step change ``change`` (D,)."""
    if normalize == "auto":
        unit, out = auto_scales(spread[read], change[written])
        return torch.full((len(read),), unit), torch.full((len(written),), out)
    seen = torch.ones(len(read)) if normalize == "output" else spread[read]
    return seen, (change if normalize == "change" else spread)[written]


def set_data_scales(spec, model, world, banks: Sequence[str]) -> None:
    """Give the normalised ``banks`` trained here (not loaded from a source) and the normalised router the scales
    of ``world``'s training split."""
    state, change = world.state_scale(), world.delta_scale()  # (D,) each, 1 where constant
    read, written = read_features(spec, state.shape[0]), written_features(spec, state.shape[0])
    for name in banks:
        bank = spec.bank(name)
        normalize = getattr(bank, "normalize", None)
        if normalize is not None and bank.source is None:
            module = model.get_submodule(name)
            seen, out = bank_scales(normalize, state, change, read, written)
            module.set_scales(seen.to(module.input_scale), out.to(module.output_scale))
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
            "mechanisms[0].normalize: auto (docs/own-data.md)")
