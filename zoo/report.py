"""A self-contained Markdown report of a run directory: spec, final metrics, curves and figures.

``write_report(run_dir)`` writes ``run_dir/report/``::

    report.md           any warning (e.g. slot collapse), the final metrics table, the curves, the
                        family's figures and the spec
    train_curves.png    every column of train.csv against the step (one panel each)
    eval_curves.png     every column of eval.csv against the step
    <figure>.png        copies of the PNGs the procedure wrote under run_dir/plots/

The folder only refers to files inside itself, so it can be moved, zipped or viewed on a code host.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path
from typing import Any

from zoo import safejson
from zoo.errors import ZooError, printable
from zoo.io import read_limited, write_text
from zoo.registry import CAPTIONS

# What the procedures' figures under plots/ show (unknown files are shown with their file name); the
# families register the captions of their own figures.
CAPTIONS.register("active_cells.png", "Active cells over time (which cells the input attention selected at each step).")
MAX_PANELS = 12
MAX_SPEC_BYTES = 4 * 1024 * 1024  # a resolved spec.yaml is kilobytes


def read_csv(path: Path) -> dict[str, list[float]]:
    """The numeric columns of a CSV log (empty cells and non-numbers become NaN)."""
    from zoo.train.rundir import csv_rows

    try:
        rows = list(csv_rows(path))  # a regular file only: a FIFO or a device is refused, never waited on
    except (csv.Error, UnicodeDecodeError) as e:  # a NUL byte, a huge field, bytes that are not UTF-8
        raise ZooError(f"{path}: not a readable CSV log ({str(e)[:200]})") from None
    if not rows:
        return {}
    return {k: [_number(r.get(k)) for r in rows] for k in rows[0] if k is not None}


def _number(value: str | None) -> float:
    try:
        return float(value) if value not in (None, "") else math.nan
    except ValueError:
        return math.nan


def plot_curves(columns: dict[str, list[float]], path: Path, title: str) -> bool:
    """One panel per column against ``step``; False (nothing written) when there is nothing to plot."""
    steps = columns.get("step")
    names = [k for k in columns if k != "step" and not all(math.isnan(v) for v in columns[k])][:MAX_PANELS]
    if not steps or not names:
        return False
    from zoo.plots.figure import new_figure, save_png

    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    fig = new_figure(4.2 * cols, 2.9 * rows)
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, name in zip(axes.flat, names):
        ax.plot(steps, columns[name], marker="o" if len(steps) < 30 else None, markersize=3, label=name)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("step")
        ax.set_ylabel(name)
        ax.grid(True, alpha=0.3)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    save_png(fig, path, dpi=110)
    return True


def _cell(value: Any) -> str:
    """A value as one Markdown table cell: numbers to 6 digits, anything else as short, escaped JSON."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.6g}"
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = text if len(text) <= 200 else text[:200] + "..."
    return printable(text, newlines=False).replace("|", "\\|")


def _metrics_table(metrics: dict[str, Any]) -> str:
    lines = ["| metric | value |", "|---|---|"]
    lines += [f"| {_cell(k)} | {_cell(v)} |" for k, v in metrics.items()]
    return "\n".join(lines)


def read_metrics(run_dir: Path) -> dict[str, Any]:
    """``metrics.json`` of a run (empty when there is none), refused clearly when it is not a mapping."""
    path = run_dir / "metrics.json"
    if not path.exists() and not path.is_symlink():  # a link that leads nowhere is refused, not skipped
        return {}
    metrics = safejson.read(path)
    if not isinstance(metrics, dict):
        raise ZooError(f"{path}: expected a mapping of metric names to values, got {type(metrics).__name__}")
    return metrics


def _read_spec_text(run_dir: Path) -> str:
    path = run_dir / "spec.yaml"
    try:
        return read_limited(path, MAX_SPEC_BYTES, "run's spec.yaml").decode("utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError as e:
        raise ZooError(f"{path}: not UTF-8 text (byte offset {e.start})") from None


def _warnings(metrics: dict) -> list[str]:
    """Warnings about final metrics that look like success but are not (e.g. slot collapse)."""
    from zoo.metrics.collapse import collapse_warning

    return [w for w in (collapse_warning(metrics),) if w]


def _check_run(run_dir: Path) -> None:
    if not run_dir.is_dir():
        raise ZooError(f"{run_dir}: no such run directory (expected a directory written by `zoo train`)")
    if not any((run_dir / f).exists() for f in ("spec.yaml", "metrics.json", "train.csv")):
        raise ZooError(f"{run_dir}: not a run directory; expected spec.yaml, metrics.json or train.csv in it "
                       "(a directory written by `zoo train` or `zoo compose`)")


def write_report(run_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of ``run_dir`` into ``out`` (default ``run_dir/report``); returns report.md's path.

    Raises:
        ZooError: ``run_dir`` is not a run directory, or one of its files is malformed (checked before
            anything is written).
    """
    run_dir = Path(run_dir)
    _check_run(run_dir)
    spec_text, metrics = _read_spec_text(run_dir), read_metrics(run_dir)
    logs = {log: read_csv(run_dir / f"{log}.csv") for log in ("train", "eval")}
    out = Path(out) if out else run_dir / "report"
    out.mkdir(parents=True, exist_ok=True)
    name = next((line.split(":", 1)[1].strip() for line in spec_text.splitlines() if line.startswith("name:")),
                run_dir.name)
    parts = [f"# Run report: {name}", "", f"Run directory: `{run_dir.name}`", ""]
    parts += [f"> **{line}**\n" for line in _warnings(metrics)]
    parts += ["## Final metrics", "", _metrics_table(metrics) if metrics else "(no metrics.json: the run did not finish)", ""]
    parts += ["## Curves", ""]
    for log, title in (("train", "training log (train.csv)"), ("eval", "evaluation (eval.csv)")):
        if plot_curves(logs[log], out / f"{log}_curves.png", f"{name}: {title}"):
            parts += [f"![{log} curves]({log}_curves.png)", ""]
        else:
            parts += [f"({log}.csv: nothing logged)", ""]
    figures = sorted((run_dir / "plots").glob("*.png")) if (run_dir / "plots").is_dir() else []
    if figures:
        parts += ["## Figures", ""]
    for fig in figures:
        shutil.copyfile(fig, out / fig.name)
        parts += [f"### {fig.stem}", "", CAPTIONS.get(fig.name) if fig.name in CAPTIONS else fig.name, "", f"![{fig.stem}]({fig.name})", ""]
    if spec_text:
        parts += ["## Spec (resolved, with defaults)", "", "```yaml", spec_text.rstrip(), "```", ""]
    path = out / "report.md"
    write_text(path, "\n".join(parts))
    return path
