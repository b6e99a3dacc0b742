"""Adaptation curves: a metric on a new world against how much of its training data a method sees.

Each method is a spec trained on the new world (e.g. ``compose`` over frozen banks, or ``finetune`` from
a pre-trained monolithic model); :func:`adaptation_curve` trains it once per fraction of the world's
training trajectories (``train.fraction``) and collects the final metric, so the methods are compared
on the same test split with the same number of steps. :func:`methods_curves` compares compose with fine-tuning
at its best learning rate per fraction (bench/hub.py); :func:`plot_adaptation_curve` draws the curves.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Mapping, Sequence

from zoo.plots.figure import new_figure, save_png
from zoo.schema import validate
from zoo.schema.spec import ModelSpec
from zoo.train import train

FRACTIONS = (0.01, 0.1, 1.0)  # of the new world's training trajectories
# Fine-tuning gets the best of several learning rates at each fraction (a lower rate forgets less of
# the pre-training, which matters most with 1% of the data), so the baseline is not handicapped.
FINETUNE_LRS = (0.0002, 0.0005, 0.002)


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
    curves: dict[str, dict[float, float]] = {}
    for name, spec in methods.items():
        curves[name] = {}
        for f in fractions:
            run = Path(root) / f"{name}-{f * 100:g}pct"
            result = train(with_fraction(spec, f), run_dir=run, progress=progress, overwrite=overwrite)
            curves[name][f] = result.metrics[metric]
    return curves


def methods_curves(compose: ModelSpec, finetune: ModelSpec, fractions: Sequence[float], root: Path, out: dict,
                   prefix: str) -> dict[str, dict[float, float]]:
    """Adaptation curves of compose and of fine-tuning at its best learning rate (of FINETUNE_LRS) per fraction.

    Every fine-tuning rate's error goes in ``out`` (``<prefix>_<pct>_finetune_error_lr<lr>``), and the
    best run of each fraction is copied to ``root/finetune-<pct>pct`` (for a per-type breakdown).
    """
    curves = adaptation_curve({"compose": compose}, fractions, root, overwrite=True)
    best: dict[float, float] = {}
    for lr in FINETUNE_LRS:
        data = finetune.model_dump(mode="json")
        data["train"]["lr"] = lr
        tag = f"finetune-lr{lr:g}"
        curve = adaptation_curve({tag: validate(data)}, fractions, root, overwrite=True)[tag]
        for f, err in curve.items():
            pct = f"{f * 100:g}pct"
            out[f"{prefix}_{pct}_finetune_error_lr{lr:g}"] = err
            if f not in best or err < best[f]:
                best[f] = err
                out[f"{prefix}_{pct}_finetune_best_lr"] = lr
                shutil.rmtree(root / f"finetune-{pct}", ignore_errors=True)
                shutil.copytree(root / f"{tag}-{pct}", root / f"finetune-{pct}")
    curves["finetune"] = best
    return curves


def record(out: dict, prefix: str, curves: dict[str, dict[float, float]], fractions: Sequence[float]) -> None:
    """Flat keys for every (method, fraction) and the compose / fine-tune error ratios."""
    for f in fractions:
        pct = f"{f * 100:g}pct"
        for method, points in curves.items():
            out[f"{prefix}_{pct}_{method}_error"] = points[f]
        out[f"{prefix}_{pct}_error_ratio"] = curves["compose"][f] / curves["finetune"][f]
    for method, points in curves.items():
        print(f"[{prefix}] {method}: " + ", ".join(f"{k * 100:g}%: {v:.4g}" for k, v in points.items()), flush=True)


def plot_adaptation_curve(curves: Mapping[str, Mapping[float, float]], path: Path, title: str,
                          ylabel: str = "one-step error (test)") -> None:
    """Error against the fraction of adaptation data, one line per method (log-log axes)."""
    fig = new_figure(5.5, 4)
    ax = fig.subplots()
    for name, points in curves.items():
        xs = sorted(points)
        ax.plot([100 * x for x in xs], [points[x] for x in xs], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("adaptation data used (% of the target's training trajectories)")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    save_png(fig, path, dpi=120)
