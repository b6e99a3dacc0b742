"""Where an adaptation run's error comes from: its mean one-step error on its world's test split per
ground-truth interaction type, and the share of the total each type carries (bench/comet.py, bench/hub.py).

Run directories of a sweep are not kept, so bench/comet.py records these figures, measured on each run's
directory after its sweep, in ``bench/records/comet-type-errors.json``::

    {<a row's run>: {"fingerprint": <its row's>, "errors": {"spring": ..., "spring_share": ..., ...}}}
"""

from __future__ import annotations

import math
from pathlib import Path

import torch

from machine import run_dir, run_record  # bench/machine.py
from zoo.sweep import RunRow

RECORD = "comet-type-errors.json"  # in the bench's records/ folder


@torch.no_grad()
def type_errors(folder: Path) -> dict[str, float]:
    """Mean one-step error of the run in ``folder`` on its world's test split, per ground-truth type
    (``<type>``), and the share of the total error each type carries (``<type>_share``)."""
    from safetensors.torch import load_model

    from zoo import compile_spec
    from zoo.envs import make_env
    from zoo.families.comet import slots
    from zoo.schema import load_spec

    spec = load_spec(folder / "spec.yaml")
    model = compile_spec(spec).eval()
    load_model(model, str(folder / "model.safetensors"))
    world = make_env(spec.data, spec.train.seed)
    test = world.splits["test"]
    x, y = test.states[:, :-1].flatten(0, 1), test.states[:, 1:].flatten(0, 1)  # (P, N, D)
    pred = model(**{next(iter(model.input_types)): x})["prediction"]
    err = slots.scaled_error(pred, y, slots.feature_weight(world))  # (P, N)
    types = test.types.flatten(0, 1)
    out = {}
    for k, name in enumerate(world.type_names):
        if (types == k).any():
            out[name] = err[types == k].mean().item()
            out[f"{name}_share"] = (err[types == k].sum() / err.sum()).item()
    return out


def errors_by_run(rows: list[RunRow], folder: Path, record: Path, new: set[str]) -> dict[str, dict[str, float]]:
    """The per-type errors of each ``ok`` row of the sweep in ``folder``, by its ``run``: measured on its run
    directory when the row is ``new`` (or the record has no entry of its fingerprint) and the directory holds
    the model, else the record's entry. ``record`` is rewritten to hold these rows' entries when that changes it.

    Raises:
        SystemExit: the record is not such a record (the message names the file and the run).
    """
    entries = run_record(rows, folder, record, new, lambda r: {"errors": type_errors(run_dir(folder, r.run))},
                         f"{record}: no per-type errors", entry_problem)
    return {run: entry["errors"] for run, entry in entries.items()}


def entry_problem(entry: dict) -> str | None:
    """What is wrong with one run's entry of the record (its fingerprint checked already), or None."""
    errors = entry.get("errors")
    if (set(entry) != {"fingerprint", "errors"} or not isinstance(errors, dict)
            or not all(type(v) in (int, float) and math.isfinite(v) for v in errors.values())):
        return "needs a fingerprint and errors (an object of finite numbers by type), nothing else"
    return None
