"""What bench/comet_robustness.py's report needs of each run beyond its final metrics, measured on the run's
directory after the sweep and recorded (run directories are not kept).

``bench/records/comet_robustness-<tag>.json``::

    {"tag": ..., "sets": [the variant's --set overrides], "machine": {cpu, cores, torch, date of its latest runs},
     "runs": {<a row's run>: {"fingerprint": <its row's>, "entry": <suite entry or "catalogue">,
                              "table": [[winning mechanism x ground-truth type counts]], "types": [...],
                              "merged": ["spring+attraction", ...], "train_wta": <mean of the last 10 logged>,
                              "coverage": <partner among the k nearest; suite worlds only>}}}
"""

from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import torch

from machine import environment, measured_by_run, read_json, run_dir  # bench/machine.py
from zoo import load_run
from zoo.envs import make_env
from zoo.io import write_json
from zoo.sweep import RunRow
from zoo.train.procedures import make_procedure

MACHINE = ("cpu", "cores", "torch", "date")  # what the report says of where a variant was measured
NUMBERS = ("train_wta", "coverage")


def coverage(path: Path, k: int) -> float:
    """Share of the test transitions with a partner whose partner is among the k nearest objects."""
    with np.load(path, allow_pickle=False) as f:
        test = f["split"] == "test"
        pos, partners = f["states"][test][:, :-1, :, :2], f["partners"][test]  # (S, T, N, 2), (S, T, N)
    d = np.linalg.norm(pos[..., :, None, :] - pos[..., None, :, :], axis=-1)  # (S, T, N, N)
    n = d.shape[-1]
    d[..., np.arange(n), np.arange(n)] = np.inf
    near = np.argsort(d, axis=-1)[..., :k]  # (S, T, N, k)
    has = partners >= 0
    hit = (near == partners[..., None]).any(-1)
    return float(hit[has].mean()) if has.any() else 1.0


def merges(table: torch.Tensor, names: tuple[str, ...]) -> list[str]:
    """Types whose most frequent winning mechanism is the same (e.g. "spring+attraction")."""
    by: dict[int, list[str]] = {}
    for k, name in enumerate(names):
        if table[:, k].sum() > 0:
            by.setdefault(int(table[:, k].argmax()), []).append(name)
    return ["+".join(v) for v in by.values() if len(v) > 1]


def train_wta(folder: Path) -> float:
    """The mean winner error of the last 10 rows of the run's training log (a training-split signal)."""
    with open(folder / "train.csv", newline="", encoding="utf-8") as f:
        last = list(csv.DictReader(f))[-10:]
    return statistics.fmean(float(r["wta"]) for r in last)


def run_extras(folder: Path, row: RunRow) -> dict[str, Any]:
    """The run's mechanism x type table (its saved model evaluated again on its test split, as training did),
    merged types, training WTA and, for a world file, the knn coverage of its partners.

    Raises:
        SystemExit: the evaluation does not give the NMI the run recorded.
    """
    run = load_run(folder)
    proc = make_procedure(run.spec, run.model, make_env(run.spec.data, run.spec.train.seed), torch.device("cpu"))
    run.model.eval()
    with torch.no_grad():
        nmi = proc.evaluate()["nmi"]
    if not math.isclose(nmi, row.metrics["nmi"], rel_tol=1e-6, abs_tol=1e-9):
        raise SystemExit(f"{folder}: its model gives NMI {nmi} on its test split, the run recorded {row.metrics['nmi']}")
    names = tuple(proc.world.type_names)
    extras = {"table": proc.table.tolist(), "types": list(names), "merged": merges(proc.table, names),
              "train_wta": train_wta(folder)}
    if run.spec.data.kind == "trajectories":
        extras["coverage"] = coverage(Path(run.spec.data.path), run.spec.interactions.k)
    return extras


def update_record(path: Path, tag: str, sets: list[str], rows: list[RunRow], folder: Path, new: set[str],
                  entry_of: dict[str, str]) -> dict:
    """The record of the variant whose sweep in ``folder`` has ``rows``: each ``ok`` row's extras, measured when the
    row is ``new`` or has no entry of its fingerprint (``entry_of``: the entry of a point by its setting), else
    kept; the machine is today's when anything new ran. Rewritten when it changes."""
    recorded = read_record(path)

    def measure(row: RunRow) -> dict[str, Any]:
        return {"entry": entry_of[row.setting], **run_extras(run_dir(folder, row.run), row)}

    runs = measured_by_run(rows, folder, recorded.get("runs", {}), new, measure, f"{path}: no mechanism table")
    machine = {k: v for k, v in environment().items() if k in MACHINE} if new or not recorded else recorded["machine"]
    data = {"tag": tag, "sets": list(sets), "machine": machine, "runs": runs}
    if data != recorded:
        write_json(path, data)
    return data


def read_record(path: Path) -> dict:
    """The record at ``path`` (empty when there is none).

    Raises:
        SystemExit: the file is not such a record (the message names the file and, where it is one, the run).
    """
    data = read_json(path)
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) != {"tag", "sets", "machine", "runs"}:
        raise SystemExit(f"{path}: not a robustness record (an object of tag, sets, machine and runs)")
    if not (isinstance(data["sets"], list) and all(isinstance(s, str) for s in data["sets"])):
        raise SystemExit(f"{path}: sets is not a list of overrides (strings)")
    if not (isinstance(data["machine"], dict) and all(isinstance(data["machine"].get(k), str) for k in MACHINE)):
        raise SystemExit(f"{path}: machine needs the strings {', '.join(MACHINE)}")
    if not isinstance(data["runs"], dict):
        raise SystemExit(f"{path}: runs is not an object of runs")
    for run, entry in data["runs"].items():
        if problem := entry_problem(entry):
            raise SystemExit(f"{path}: run {run!r}: {problem}")
    return data


def entry_problem(entry: Any) -> str | None:
    """What is wrong with one run's entry of a record, or None."""
    if not isinstance(entry, dict):
        return "not an object"
    text = {k: isinstance(entry.get(k), str) for k in ("fingerprint", "entry")}
    lists = {k: isinstance(entry.get(k), list) for k in ("table", "types", "merged")}
    numbers = {k: type(entry.get(k)) in (int, float) and math.isfinite(entry[k]) for k in NUMBERS if k in entry}
    bad = [k for k, ok in {**text, **lists, **numbers}.items() if not ok] + ["train_wta"] * ("train_wta" not in entry)
    extra = sorted(set(entry) - {*text, *lists, *NUMBERS})
    if bad or extra:
        return f"bad or missing: {', '.join(bad) or 'none'}; unknown keys: {', '.join(extra) or 'none'}"
    return None
