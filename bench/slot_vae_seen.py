"""The compgen setting's seen-scene figures: each run's saved model scored on new scenes of its training
distribution. Run directories are not kept, so the figures are recorded in
``bench/records/slotvae-compgen-seen.json``: ``{run: {"fingerprint": <its row's>, <metric>: <value>}}``, one
entry per finished run of the sweep (its row's ``run``).
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from machine import measured_by_run, read_json, run_dir  # bench/machine.py
from zoo import load_run
from zoo.families.slot_vae.procedure import VAEProcedure
from zoo.families.slot_vae.sprites import generate
from zoo.io import write_json
from zoo.sweep import RunRow

RECORD = "slotvae-compgen-seen.json"  # in the bench's records/ folder
SEEN_METRICS = ("mse", "jari", "jis", "attention_ari")
SEEN_STREAM = 2  # the scenes of the training distribution come from rng [seed, 2] (train is 0, test is 1)


def seen_metrics(folder: Path) -> dict[str, float]:
    """A compgen run's evaluation (the vae procedure's) on new scenes of its training distribution."""
    run = load_run(folder)
    data = run.spec.data
    scenes = generate(np.random.default_rng([run.spec.train.seed, SEEN_STREAM]), data.test_images, data, "train")
    procedure = VAEProcedure(run.spec, run.model, SimpleNamespace(splits={"test": scenes}), torch.device("cpu"))
    with torch.no_grad():
        metrics = procedure.evaluate()
    return {k: float(metrics[k]) for k in SEEN_METRICS}


def seen_by_run(rows: list[RunRow], folder: Path, record: Path, new: set[str]) -> dict[str, dict[str, float]]:
    """The seen-scene figures of each ``ok`` row of the sweep in ``folder``, by its ``run``: measured on its
    run directory when the row is ``new`` (or has no entry of its fingerprint) and the directory holds the
    model, else the record's entry of that run and fingerprint. ``record`` is rewritten to hold the entries
    of these rows only, when that changes it."""
    recorded = read_record(record)
    entries = measured_by_run(rows, folder, recorded, new, lambda r: seen_metrics(run_dir(folder, r.run)),
                              f"{record}: no seen-scene figures")
    if entries != recorded:
        write_json(record, entries)
    return {run: {k: entry[k] for k in SEEN_METRICS} for run, entry in entries.items()}


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
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise SystemExit(f"{path}: run {run!r}: not an object with a fingerprint (a string)")
        bad = [k for k in SEEN_METRICS if type(entry.get(k)) not in (int, float) or not math.isfinite(entry[k])]
        if bad or set(entry) != {"fingerprint", *SEEN_METRICS}:
            raise SystemExit(f"{path}: run {run!r}: needs fingerprint and the numbers {', '.join(SEEN_METRICS)} "
                             f"and nothing else (bad or missing: {', '.join(bad) or 'none'}; "
                             f"keys: {', '.join(sorted(entry))})")
    return record
