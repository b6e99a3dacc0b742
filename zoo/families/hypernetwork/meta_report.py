"""What the ``meta`` procedure reports besides loss and accuracy: module decoding, template alignment
and a plot of the evaluation curves."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import torch

from zoo.families.hypernetwork.metrics import decoding_r2, embedding_map, template_alignment
from zoo.nn.hypernetwork import LinearHypernetwork, rescale
from zoo.train.rundir import read_csv

Adapted = dict[str, tuple[dict[str, torch.Tensor], torch.Tensor]]  # split -> (fast params, true embedding)


def flatten(fast: dict[str, torch.Tensor]) -> torch.Tensor:
    """Every adapted parameter of each task in one row: (T, D)."""
    return torch.cat([v.reshape(v.shape[0], -1) for v in fast.values()], dim=1)


def analysis(proc, adapted: Adapted) -> dict[str, float]:
    """``decoding_r2`` (ridge from all adapted parameters to the true embedding, fit on the test
    tasks, scored on the OOD tasks) and, for a linear hypernetwork model, ``template_alignment``."""
    (fast_id, emb_id), out = adapted["test"], {}
    if "ood" in adapted and getattr(proc.env, "has_latents", True):  # a task file may lack OOD tasks or latents
        fast_ood, emb_ood = adapted["ood"]
        out["decoding_r2"] = decoding_r2(flatten(fast_id), emb_id.flatten(1), flatten(fast_ood), emb_ood.flatten(1))
    align = _alignment(proc, fast_id, emb_id)
    if align is not None:
        out["template_alignment"] = align
    return out


def _alignment(proc, fast: dict[str, torch.Tensor], embedding: torch.Tensor) -> float | None:
    """Template alignment of the student's first layer with the teacher's, when both are generated."""
    spec, env = proc.spec, proc.env
    if spec.model.kind != "hypernetwork" or "embedding.value" not in fast:
        return None
    hnet = next((m for m in proc.model.modules() if isinstance(m, LinearHypernetwork)), None)
    generated = list(getattr(env, "generated", []))
    if hnet is None or 0 not in generated or "0" not in hnet.thetas:
        return None
    z = hnet.embed(fast["embedding.value"])  # (T, K) or (T, G, K)
    z = z[:, hnet.generated.index(0)] if hnet.per_layer else z  # what generates the first layer
    e = rescale(embedding[:, generated.index(0)])  # scale is not identifiable after z-scoring: directions
    teacher, student = env.templates[generated.index(0)], hnet.thetas["0"]
    if student.shape[1] != teacher.shape[1]:  # not the same inputs
        return None
    return template_alignment(student, teacher, embedding_map(z, e))


def plot_eval(run_dir: Path, title: str, classification: bool, chance: float | None = None,
              baselines: Mapping[str, float] | None = None) -> Path | None:
    """``plots/eval.png`` (:func:`eval_figure` of the run's ``eval.csv``); None when there is nothing to plot."""
    from zoo.plots.figure import save_png

    fig = eval_figure(read_csv(Path(run_dir) / "eval.csv"), title, classification, chance, baselines)
    return None if fig is None else save_png(fig, Path(run_dir) / "plots" / "eval.png", dpi=100, tight=False)


def eval_figure(rows: list[dict[str, float]], title: str, classification: bool, chance: float | None = None,
                baselines: Mapping[str, float] | None = None):
    """In-distribution and OOD accuracy (or loss) at every evaluation, against chance and baselines.

    Args:
        rows: the rows of ``eval.csv``.
        title: the figure title.
        classification: plot accuracy (else the loss).
        chance: the accuracy of guessing (e.g. 1 / classes), drawn as a dotted line.
        baselines: other methods' final figures to compare with (label -> value), drawn as dashed
            lines, e.g. ANIL's and MAML's OOD accuracy on the same task support.

    Returns:
        A matplotlib Figure, or None when ``rows`` have nothing to plot.
    """
    from zoo.plots.figure import new_figure

    key = "acc" if classification else "loss"
    if not rows or f"test_{key}" not in rows[0]:
        return None
    steps = [r["step"] for r in rows]
    fig = new_figure(5.5, 3.8)
    ax = fig.subplots()
    for split, label in (("test", "in-distribution"), ("ood", "OOD (unseen combinations)")):
        ax.plot(steps, [r.get(f"{split}_{key}", float("nan")) for r in rows], marker="o", label=label)
    for i, (label, value) in enumerate((baselines or {}).items()):
        ax.axhline(value, linestyle="--", linewidth=1.2, color=f"C{i + 2}", label=label)
    if chance is not None:
        ax.axhline(chance, linestyle=":", linewidth=1.2, color="grey", label=f"chance ({chance:.3g})")
    ax.set_xlabel("outer step")
    ax.set_ylabel("query accuracy after adaptation" if classification else "query loss after adaptation")
    if classification:
        ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
