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

from machine import measured_by_run, read_json, run_dir  # bench/machine.py
from zoo.io import write_json
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
    the model, else the record's entry. ``record`` is rewritten to hold these rows' entries when that changes it."""
    recorded = read_record(record)
    entries = measured_by_run(rows, folder, recorded, new, lambda r: {"errors": type_errors(run_dir(folder, r.run))},
                              f"{record}: no per-type errors")
    if entries != recorded:
        write_json(record, entries)
    return {run: entry["errors"] for run, entry in entries.items()}


def read_record(path: Path) -> dict[str, dict]:
    """The record at ``path`` (empty when there is none).

    Raises:
        SystemExit: the file is not such a record (the message names the file and the run).
    """
    record = read_json(path)
    if record is None:
        return {}
    if not isinstance(record, dict):
        raise SystemExit(f"{path}: not an object of runs")
    for run, entry in record.items():
        errors = entry.get("errors") if isinstance(entry, dict) else None
        if (not isinstance(entry, dict) or set(entry) != {"fingerprint", "errors"}
                or not isinstance(entry["fingerprint"], str) or not isinstance(errors, dict)
                or not all(type(v) in (int, float) and math.isfinite(v) for v in errors.values())):
            raise SystemExit(f"{path}: run {run!r}: needs a fingerprint (a string) and errors (an object of finite "
                             "numbers by type), nothing else")
    return record
