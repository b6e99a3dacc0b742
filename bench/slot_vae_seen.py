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

from machine import run_dir, run_record  # bench/machine.py
from zoo import load_run
from zoo.families.slot_vae.procedure import VAEProcedure
from zoo.families.slot_vae.sprites import generate
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
    of these rows only, when that changes it.

    Raises:
        SystemExit: the record is not such a record (the message names the file and the run).
    """
    entries = run_record(rows, folder, record, new, lambda r: seen_metrics(run_dir(folder, r.run)),
                         f"{record}: no seen-scene figures", entry_problem)
    return {run: {k: entry[k] for k in SEEN_METRICS} for run, entry in entries.items()}


def entry_problem(entry: dict) -> str | None:
    """What is wrong with one run's entry of the record (its fingerprint checked already), or None."""
    bad = [k for k in SEEN_METRICS if type(entry.get(k)) not in (int, float) or not math.isfinite(entry[k])]
    if bad or set(entry) != {"fingerprint", *SEEN_METRICS}:
        return (f"needs fingerprint and the numbers {', '.join(SEEN_METRICS)} and nothing else (bad or missing: "
                f"{', '.join(bad) or 'none'}; keys: {', '.join(sorted(entry))})")
    return None
