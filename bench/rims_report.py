"""The markdown section of the RIMs benchmark (``bench/rims.py``), from its figures (``rims.json``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import torch

from machine import cpu_model
from zoo.io import write_text
from zoo.schema import load_spec

TASKS = ("copying", "digits", "balls")
MODELS = ("rims", "lstm")  # the bench's two models: catalogue specs <model>-<task>
ROWS = [
    ("digits accuracy 14x14 (train res.)", "digits_acc_14"), ("digits accuracy 16x16", "digits_acc_16"),
    ("digits accuracy 19x19", "digits_acc_19"), ("digits accuracy 24x24", "digits_acc_24"),
    ("copying error, delay 50 (train)", "copy_error_50"), ("copying error, delay 200", "copy_error_200"),
    ("balls next-frame MSE, 3 balls", "balls_test_3_loss"), ("balls next-frame MSE, 6 balls", "balls_test_6_loss"),
    ("balls 5-step rollout MSE, 6 balls", "balls_test_6_rollout_mse"),
]
CHECKS = [
    ("digits 24x24: RIMs at least 10 points above the LSTM", "digits_acc_24", lambda a, b: a >= b + 10),
    ("digits 16x16: RIMs within 3 points of the LSTM or better", "digits_acc_16", lambda a, b: a >= b - 3),
    ("copying, delay 200: RIMs error below the LSTM's", "copy_error_200", lambda a, b: a < b),
]


def digits_models() -> str:
    """The sizes of the catalogue's digits models, as the table below was measured with them."""
    rims, lstm = load_spec("rims-digits"), load_spec("lstm-digits")
    cells = rims.mechanisms[0]
    return (f"Digits models: RIMs of {cells.count} {cells.kind.upper()} cells x {cells.hidden} units, "
            f"{rims.router.k} active per step; LSTM of {lstm.model.hidden} units.")


def header(r: dict[str, float], machine: str) -> list[str]:
    """The section's title, command, settings and machine."""
    return [
        "## RIMs (issue: Recurrent Independent Mechanisms)", "",
        "Command: `PYTHONPATH=. python bench/rims.py [--tasks ...] [--seeds ...] [--scale S] [--jobs N]`: each task "
        "is a sweep (`bench/sweeps/rims-<task>`, its RIMs and LSTM over seeds; `zoo sweep report` works on it) with "
        "train.steps of the catalogue specs multiplied by S; S per task here: "
        + ", ".join(f"{k.removeprefix('steps_scale_')} {v:g}"
                    for k, v in sorted(r.items()) if k.startswith("steps_scale_"))
        + ". Each figure is the mean over the seeds trained for its task: "
        + ", ".join(f"{t} {r.get(f'seeds_{t}', 1):g}" for t in TASKS if f"steps_scale_{t}" in r) + ".", "",
        machine, "",
        digits_models(), "",
    ]


def table(r: dict[str, float], digits_seeds: list[int]) -> list[str]:
    """The RIMs-against-LSTM table and the digits accuracies of each seed."""
    lines = ["| metric | RIMs | LSTM |", "|---|---|---|"]
    for label, key in ROWS:
        a, b = r.get(f"{key}_rims"), r.get(f"{key}_lstm")
        shown = f"{a:.4g} | {b:.4g}" if a is not None and b is not None else "n/a | n/a"
        lines.append(f"| {label} | {shown} |")
    if len(digits_seeds) > 1:
        lines += ["", "Digits per seed (RIMs / LSTM):", ""] + [
            f"- seed {s}: " + ", ".join(f"{n}x{n} {r[f'digits_acc_{n}_rims_seed{s}']:.1f} / "
                                        f"{r[f'digits_acc_{n}_lstm_seed{s}']:.1f}" for n in (14, 16, 19, 24)
                                        if f"digits_acc_{n}_rims_seed{s}" in r and f"digits_acc_{n}_lstm_seed{s}" in r)
            for s in digits_seeds]
    return lines


def targets(r: dict[str, float]) -> list[str]:
    """Whether each target was met, and what the digits numbers say."""
    lines = ["Targets:", ""]
    for label, key, ok in CHECKS:
        a, b = r.get(f"{key}_rims"), r.get(f"{key}_lstm")
        mark = "not measured" if a is None or b is None else ("met" if ok(a, b) else "**missed**")
        lines.append(f"- {label}: {mark}")
    lines.append(f"- grouped cell at least 2x a per-cell loop at K=6: "
                 f"{'met' if r['grouped_vs_loop_speedup'] >= 2 else '**missed**'}")
    if all(f"digits_acc_{size}_{m}" in r for size in (14, 16, 19, 24) for m in MODELS):
        drop = {m: r[f"digits_acc_14_{m}"] - r[f"digits_acc_24_{m}"] for m in MODELS}
        ahead = [s for s in (16, 19, 24) if r[f"digits_acc_{s}_rims"] > r[f"digits_acc_{s}_lstm"]]
        lines += ["", f"On digits the RIMs reach {r['digits_acc_14_rims']:.1f}% at the training size against the "
                  f"LSTM's {r['digits_acc_14_lstm']:.1f}%; from 14x14 to 24x24 they lose {drop['rims']:.1f} points, "
                  f"the LSTM {drop['lstm']:.1f}. The RIMs are ahead at "
                  + (", ".join(f"{s}x{s}" for s in ahead) or "no larger size")
                  + f"; at 24x24 the margin is {r['digits_acc_24_rims'] - r['digits_acc_24_lstm']:+.1f} points "
                  "(chance is 10%)."]
    return lines


def write_markdown(r: dict[str, float], path: Path, digits_seeds: list[int], machine: str | None = None) -> None:
    """The RESULTS section for RIMs; ``machine``: the report's machine line (default: this machine, today)."""
    machine = machine or (f"Machine: {cpu_model()} ({os.cpu_count()} cores, shared and loaded while this ran), "
                          f"torch {torch.__version__}, 1 thread, {time.strftime('%Y-%m-%d')}.")
    lines = header(r, machine) + table(r, digits_seeds)
    lines += ["", f"Grouped GRU cell (K=6) vs a per-cell Python loop, forward+backward: "
              f"**{r['grouped_vs_loop_speedup']:.2f}x** faster.", ""]
    lines += targets(r) + [""]
    write_text(path, "\n".join(lines) + "\n")
