"""Adaptation curves: a metric on a new world against how much of its training data a method sees.

Each method is a spec trained on the new world (e.g. ``compose`` over frozen banks, or ``finetune`` from
a pre-trained monolithic model); :func:`adaptation_curve` trains it once per fraction of the world's
training trajectories (``train.fraction``) and collects the final metric, so the methods are compared
on the same test split with the same number of steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from zoo.schema import validate
from zoo.schema.spec import ModelSpec


def with_fraction(spec: ModelSpec, fraction: float) -> ModelSpec:
    """``spec`` with ``train.fraction`` set (validated again)."""
    data = spec.model_dump(mode="json")
    data["train"]["fraction"] = fraction
    out = validate(data)
    out._source = spec.source
    return out


def adaptation_curve(methods: Mapping[str, ModelSpec], fractions: Sequence[float], root: str | Path,
                     metric: str = "one_step_mse", progress: bool | None = False,
                     overwrite: bool = False) -> dict[str, dict[float, float]]:
    """Train every method at every fraction of the new world's data; ``{method: {fraction: metric}}``.

    Args:
        methods: a spec per method, each with a ``train.fraction`` field (compose, finetune, compete).
        fractions: fractions of the training trajectories, e.g. (0.01, 0.1, 1.0).
        root: runs are written to ``root/<method>-<percent>pct``.
        metric: the final evaluation metric to collect.
        progress: show progress bars.
        overwrite: replace earlier runs in those directories (else they must be missing or empty).
    """
    from zoo.train.loop import train

    curves: dict[str, dict[float, float]] = {}
    for name, spec in methods.items():
        curves[name] = {}
        for f in fractions:
            run = Path(root) / f"{name}-{f * 100:g}pct"
            result = train(with_fraction(spec, f), run_dir=run, progress=progress, overwrite=overwrite)
            curves[name][f] = result.metrics[metric]
    return curves
