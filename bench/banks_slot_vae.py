"""The slot VAE part of bench/banks.py: the encoder-decoder bank on sprites from a new distribution.

The bank (``banks/slot_vae-sprites-bank``) saw squares and circles; the new scenes add triangles.
Composed, its decoder and encoder trunk stay frozen and the encoder head trains on 1% of the new
training images; a slot VAE of the same shape trains from scratch on the same 1% for the same steps.
The whole bank frozen (nothing trained) is measured too. Each figure is the J-ARI on the new test
images (the decoder Jacobian's slot partition against the true object masks).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from run_records import means  # bench/run_records.py
from zoo.hub.compose import compose_spec
from zoo.schema import load_spec
from zoo.train import train

BANK = "slot_vae-sprites-bank"
NEW_SHAPES = "[square, triangle, circle]"


def _jari(spec, where: Path) -> float:
    return float(train(spec, run_dir=where, progress=False, overwrite=True).metrics["jari"])


def _frozen_jari(spec) -> float:
    """J-ARI of the composed model as loaded (nothing trained: the procedure's evaluation alone)."""
    import torch

    from zoo.envs import make_env
    from zoo.train.build import build_model
    from zoo.train.procedures import make_procedure

    torch.manual_seed(spec.train.seed)
    model = build_model(spec)
    return float(make_procedure(spec, model, make_env(spec.data, spec.train.seed), torch.device("cpu")).evaluate()["jari"])


def run(seeds: list[int], steps: int, fraction: float = 0.01) -> dict:
    """A J-ARI record per (method, seed): the composed bank (``bank``: head trained; ``frozen``: nothing trained)
    and a model trained from scratch (``scratch``); each method's mean over the seeds."""
    bank = load_spec(BANK)
    images = max(1, round(fraction * bank.data.images))
    new = [f"data.shapes={NEW_SHAPES}", f"data.images={images}", f"train.steps={steps}", "train.eval_every=0",
           "train.warmup=0", "train.beta_ramp=0", "train.alpha_start=0", f"train.alpha_ramp={steps // 2}"]
    runs, started = [], time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            target = load_spec(BANK, new + [f"train.seed={seed}"])
            jari = {"bank": _jari(compose_spec(target, [BANK]), Path(tmp) / f"bank{seed}"),
                    "scratch": _jari(target, Path(tmp) / f"scratch{seed}"),
                    "frozen": _frozen_jari(compose_spec(target, [BANK], train=[]))}
            runs += [{"method": m, "seed": seed, "jari": v} for m, v in jari.items()]
            print(f"[slot_vae] seed {seed}: " + ", ".join(f"{m} {v:.3f}" for m, v in jari.items()), flush=True)
    return {**summarise(runs), "slot_vae_images_1pct": images, "slot_vae_steps": steps,
            "slot_vae_seconds": round(time.time() - started, 1)}


def summarise(runs: list[dict]) -> dict:
    """The runs and each method's mean J-ARI over its runs, under the issue's key names."""
    mean = {method: v for (method,), v in means(runs, ("method",), "jari").items()}
    return {"slot_vae_runs": runs, "slotvae_bank_jari_new": mean["bank"], "slotvae_scratch_1pct_jari": mean["scratch"],
            "slotvae_frozen_bank_jari_new": mean["frozen"], "slot_vae_seeds": len({r["seed"] for r in runs})}
