"""The results table of a sweep, ``results.csv``: one row per run, written atomically after every run.

Columns: ``run`` (its folder under ``runs/``), ``spec`` (the spec's name), ``setting`` (what the point
varies, in words), ``overrides`` (every override applied, as a JSON list), ``seed``, ``status`` (ok or
failed), ``error``, ``wall_s``, ``fingerprint`` (of the resolved spec), then one column per final metric.
``results.parquet`` is written beside it when pyarrow is installed.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from zoo.errors import ZooError
from zoo.io import atomic_path, write_text

COLUMNS = ("run", "spec", "setting", "overrides", "seed", "status", "error", "wall_s", "fingerprint")
TABLE = "results.csv"


@dataclass(frozen=True)
class RunRow:
    """One finished run of a sweep."""

    run: str
    spec: str
    setting: str
    overrides: tuple[str, ...]
    seed: int
    status: str  # "ok" or "failed"
    error: str
    wall_s: float | None  # None where the run's time was not recorded
    fingerprint: str
    metrics: dict[str, float] = field(default_factory=dict)


def write_table(folder: Path, rows: list[RunRow]) -> Path:
    """Write ``folder/results.csv`` (and ``results.parquet`` with pyarrow) atomically; returns the CSV path."""
    metrics = sorted({k for r in rows for k in r.metrics})
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS + tuple(_metric_column(m) for m in metrics))
    for r in rows:
        writer.writerow([r.run, r.spec, r.setting, json.dumps(list(r.overrides)), r.seed, r.status, r.error,
                         _number(r.wall_s), r.fingerprint] + [_number(r.metrics.get(m)) for m in metrics])
    path = folder / TABLE
    write_text(path, text.getvalue())
    _write_parquet(folder / "results.parquet", text.getvalue())
    return path


def read_table(folder: Path) -> list[RunRow]:
    """The rows of ``folder/results.csv`` (none when there is no table yet).

    Raises:
        ZooError: the file is not a sweep's results table.
    """
    path = folder / TABLE
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise ZooError(f"{path}: not a sweep's results table (no column {', '.join(missing)})")
        try:
            return [_row(r) for r in reader]
        except (ValueError, TypeError) as e:
            raise ZooError(f"{path}:{reader.line_num}: cannot read this row ({e})") from None


def _row(r: dict[str, str]) -> RunRow:
    metrics = {_metric_name(k): float(v) for k, v in r.items() if k not in COLUMNS and v not in ("", None)}
    overrides = json.loads(r["overrides"])
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        raise ValueError("overrides is not a JSON list of strings")
    return RunRow(r["run"], r["spec"], r["setting"], tuple(overrides), int(r["seed"]), r["status"], r["error"],
                  float(r["wall_s"]) if r["wall_s"] else None, r["fingerprint"], metrics)


def _metric_column(name: str) -> str:
    """A metric's column: its name, or ``metric.<name>`` where that is one of the fixed columns."""
    return f"metric.{name}" if name in COLUMNS or name.startswith("metric.") else name


def _metric_name(column: str) -> str:
    return column.removeprefix("metric.")


def _number(value: float | None) -> str:
    """Shortest text that reads back as the same float (empty for missing values)."""
    if value is None:
        return ""
    return repr(float(value)) if math.isfinite(value) else str(float(value))


def _write_parquet(path: Path, csv_text: str) -> None:
    """The table as parquet, when pyarrow is installed (an optional extra)."""
    try:
        from pyarrow import csv as pa_csv
        from pyarrow import parquet
    except ImportError:
        return
    table = pa_csv.read_csv(io.BytesIO(csv_text.encode()))
    with atomic_path(path) as tmp:
        parquet.write_table(table, str(tmp))
