"""The RIMs part of bench/banks.py: a new digit resolution learnt from 1% and 10% of its data.

The bank (``banks/rims-digits-bank``: 4 GRU cells of 32 with their input attention and communication,
trained on 8x8 sequential digits) is composed into a model for 10x10 digits (100 pixels a sequence
instead of 64), where only the new embedding and head train. It is compared with the same RIMs
trained from scratch and with an LSTM of the same hidden size (4 x 32) pre-trained on the bank's task
(8x8, as many steps as the bank) and then fine-tuned whole. Every model sees the same images of the
subset, the same steps and batch; the figure is the error on the held-out 10x10 images.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from run_records import joined, means  # bench/run_records.py
from zoo.banks.catalogue import catalogue_bank
from zoo.banks.format import read_config
from zoo.envs import make_env
from zoo.hub.compose import compose_spec
from zoo.schema import load_spec, validate
from zoo.train import train
from zoo.train.build import build_model
from zoo.weights import read_weights

BANK = "rims-digits-bank"
TARGET = {"kind": "sequential_digits", "train_size": 10, "test_sizes": [12]}
SPLIT = "test_10"
METHODS = ("compose", "scratch", "lstm_finetune")
RUN_KEY = ("method", "fraction", "seed")  # the fields that name a run in ``rims_runs``


def target_spec(model: str = "rims") -> dict:
    """The new task's spec data: the bank's own spec with the new resolution (and no pretrained part)."""
    data = load_spec(BANK).model_dump(mode="json", exclude_defaults=True)
    data.update(name=f"{model}-digits10", data=TARGET)
    if model == "lstm":
        data.update(model={"kind": "lstm", "input": {"vocab": 2, "embed": 16}, "output": "last", "out": 10,
                           "hidden": 128}, mechanisms=[])
        data.pop("router")
    return data


def fit(model: torch.nn.Module, train: dict, split: dict, steps: int, batch: int, lr: float, seed: int) -> float:
    """Train ``model``'s trainable parameters on ``train`` (cross-entropy), return its error on ``split``."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    model.train()
    for _ in range(steps):
        idx = torch.randint(0, len(train["target"]), (batch,), generator=gen)
        loss = F.cross_entropy(model(x=train["x"][idx])["y"], train["target"][idx])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(x=split["x"][i:i + 256])["y"].argmax(-1) for i in range(0, len(split["x"]), 256)])
    return float((pred != split["target"]).float().mean())


def subset(train: dict, fraction: float, seed: int) -> dict:
    """A random ``fraction`` of the training examples (at least one), drawn with ``seed``."""
    n = len(train["target"])
    keep = torch.randperm(n, generator=torch.Generator().manual_seed(seed))[: max(1, round(fraction * n))]
    return {k: v[keep] for k, v in train.items()}


def pretrained_lstm(steps: int, seed: int) -> tuple[dict, float]:
    """An LSTM trained on the bank's task (8x8 digits) with zoo: its weights and its 8x8 test accuracy."""
    data = target_spec("lstm")
    bank = load_spec(BANK)
    data.update(name="lstm-digits8", data=bank.data.model_dump(mode="json"),
                train={**bank.train.model_dump(mode="json", exclude_defaults=True), "steps": steps, "seed": seed})
    spec = validate(data)
    with tempfile.TemporaryDirectory() as tmp:
        result = train(spec, run_dir=Path(tmp) / "lstm", progress=False, overwrite=True)
        return read_weights(Path(result.run_dir) / "model.safetensors")[0], float(result.metrics["test_8_acc"])


def run(fractions: list[float], seeds: list[int], steps: int, lstm_steps: int,
        recorded: list[dict] | None = None) -> dict:
    """An error record per (method, fraction, seed) and the ratios at each fraction: means over the runs made
    now and those ``recorded`` before (a previous run's ``rims_runs`` with the same steps), where a run now
    replaces a recorded one of the same method, fraction and seed."""
    torch.set_num_threads(1)
    env = make_env(validate(target_spec()).data, 0)
    split = env.splits[SPLIT]
    new, started = [], time.time()
    lstm_weights, lstm_acc = pretrained_lstm(lstm_steps, 0)
    for fraction in fractions:
        for seed in seeds:
            train = subset(env.splits["train"], fraction, seed)
            torch.manual_seed(seed)
            composed = build_model(compose_spec(validate(target_spec()), [BANK]))
            torch.manual_seed(seed)
            scratch = build_model(validate(target_spec()))
            lstm = build_model(validate(target_spec("lstm")))
            lstm.load_state_dict(lstm_weights, strict=True)
            runs = [{"method": name, "fraction": fraction, "seed": seed,
                     "error": fit(model, train, split, steps, 32, 0.003, seed)}
                    for name, model in (("compose", composed), ("scratch", scratch), ("lstm_finetune", lstm))]
            new += runs
            print(f"[rims] {fraction:g} seed {seed}: " + ", ".join(f"{r['method']} {r['error']:.3f}" for r in runs),
                  flush=True)
    bank_acc = read_config(catalogue_bank(BANK))["metrics"]["test_8_acc"]
    return {**summarise(joined(recorded or [], new, RUN_KEY), fractions, time.time() - started), "rims_steps": steps,
            "rims_source_acc_bank": bank_acc, "rims_source_acc_lstm": lstm_acc}


def summarise(runs: list[dict], fractions: list[float], seconds: float) -> dict:
    """The runs, the mean errors and the two ratios per fraction (each mean over that method and fraction's
    runs); the 1% ratios under the issue's key names."""
    mean = means(runs, ("method", "fraction"), "error")
    out = {"rims_runs": runs, "rims_seeds": len({r["seed"] for r in runs}), "rims_seconds": round(seconds, 1)}
    for fraction in fractions:
        by_method = {m: mean[(m, fraction)] for m in METHODS}
        tag = f"{round(fraction * 100)}pct"
        out.update({f"rims_{m}_error_{tag}": v for m, v in by_method.items()})
        out[f"rims_compose_vs_scratch_{tag}"] = by_method["compose"] / max(by_method["scratch"], 1e-9)
        out[f"rims_compose_vs_lstm_finetune_{tag}"] = by_method["compose"] / max(by_method["lstm_finetune"], 1e-9)
    return out
