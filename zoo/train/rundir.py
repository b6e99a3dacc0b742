"""The run directory: resolved spec, metrics CSVs, checkpoints, final weights, plots, summary.

Layout::

    spec.yaml           the resolved spec (after --set overrides)
    run.json            one entry per start: step, device, threads, versions (zoo.train.runinfo)
    train.csv           step, loss, lr and the procedure's training metrics
    eval.csv            step and evaluation metrics
    metrics.json        the final evaluation metrics
    model.safetensors   final weights of the whole model
    checkpoints/        last.safetensors (model, optimiser, scheduler, RNG state)
    plots/              PNG figures
    bank/               the trained mechanism bank, when the model has one
    .zoo.lock           held by the one trainer running here (zoo.train.runlock)

See docs/runs.md for the rules of a start (new, --resume, --overwrite).
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any, Iterator

import yaml

from zoo.io import open_regular, write_chunks, write_text


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


def csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a CSV log, streamed (a regular file only; nothing when it does not exist)."""
    try:
        with open_regular(path) as (f, _):
            yield from csv.DictReader(io.TextIOWrapper(f, encoding="utf-8", newline=""))
    except FileNotFoundError:
        return


class CsvLog:
    """Appends rows to a CSV file; the header is fixed by the first row (later new keys are dropped)."""

    def __init__(self, path: Path):
        self.path = path
        self.fields: list[str] | None = None
        if path.exists() and path.stat().st_size:
            with open_regular(path) as (f, _):
                self.fields = next(csv.reader(io.TextIOWrapper(f, encoding="utf-8", newline="")), None)

    def write(self, row: dict[str, Any]) -> None:
        new = self.fields is None
        if new:
            self.fields = list(row)
        with open(self.path, "a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=self.fields, extrasaction="ignore")
            if new:
                w.writeheader()
            w.writerow({k: _fmt(v) for k, v in row.items()})

    def truncate_after(self, step: float) -> None:
        """Drop the rows logged after ``step`` (used when resuming from a checkpoint).

        The file is rewritten atomically (:func:`zoo.io.write_chunks`), and only when a row goes: a crash
        at any moment leaves either the old rows or the kept ones, never an empty or partial log.
        """
        if self.fields is None or all(_step_of(r) <= step for r in csv_rows(self.path)):
            return
        write_chunks(self.path, self._encoded(r for r in csv_rows(self.path) if _step_of(r) <= step))

    def _encoded(self, rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
        buffer = io.StringIO()
        w = csv.DictWriter(buffer, fieldnames=self.fields, extrasaction="ignore")
        w.writeheader()
        for i, row in enumerate(rows):
            w.writerow(row)
            if i % 4096 == 4095:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")


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
    return [{k: float(v) for k, v in r.items() if v not in ("", None)} for r in csv_rows(path)]
