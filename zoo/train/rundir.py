"""The run directory: resolved spec, metrics CSVs, checkpoints, final weights, plots, summary.

Layout::

    spec.yaml           the resolved spec (after --set overrides)
    train.csv           step, loss, lr and the procedure's training metrics
    eval.csv            step and evaluation metrics
    metrics.json        the final evaluation metrics
    model.safetensors   final weights of the whole model
    checkpoints/        last.safetensors (model, optimiser, scheduler, RNG state)
    plots/              PNG figures
    bank/               the trained mechanism bank, when the model has one
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import yaml

from zoo.io import write_text


def default_run_dir(spec, root: str | Path = "runs") -> Path:
    """``runs/<spec name>-<YYYYmmdd-HHMMSS>`` (a suffix is added if it exists)."""
    base = Path(root) / f"{spec.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path


def write_spec(path: Path, spec) -> None:
    """The spec as YAML (JSON-compatible values, keys in declaration order)."""
    data = spec.model_dump(mode="json", exclude_defaults=False)
    write_text(path, yaml.safe_dump(data, sort_keys=False))


class CsvLog:
    """Appends rows to a CSV file; the header is fixed by the first row (later new keys are dropped)."""

    def __init__(self, path: Path):
        self.path = path
        self.fields: list[str] | None = None
        if path.exists() and path.stat().st_size:
            with open(path, newline="") as f:
                self.fields = next(csv.reader(f), None)

    def write(self, row: dict[str, Any]) -> None:
        new = self.fields is None
        if new:
            self.fields = list(row)
        with open(self.path, "a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=self.fields, extrasaction="ignore")
            if new:
                w.writeheader()
            w.writerow({k: _fmt(v) for k, v in row.items()})

    def truncate_after(self, step: int) -> None:
        """Drop rows logged after ``step`` (used when resuming from a checkpoint)."""
        if not self.path.exists() or self.fields is None:
            return
        with open(self.path, newline="") as f:
            rows = [r for r in csv.DictReader(f) if _step_of(r) <= step]
        with open(self.path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=self.fields)
            w.writeheader()
            w.writerows(rows)


def _step_of(row: dict[str, Any]) -> float:
    """The row's step; a row cut short by a crash (missing cells) counts as after every step."""
    if None in row.values() or None in row:
        return float("inf")
    try:
        return float(row.get("step", "inf"))
    except ValueError:
        return float("inf")


def _fmt(v: Any) -> Any:
    return f"{v:.6g}" if isinstance(v, float) else v


def read_csv(path: Path) -> list[dict[str, float]]:
    """Rows of a metrics CSV as floats (empty cells dropped)."""
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return [{k: float(v) for k, v in r.items() if v not in ("", None)} for r in csv.DictReader(f)]
