"""Sweeps: one spec (or several) over seeds and settings, run locally or on a cluster, with a results
table and a report of means and confidence intervals. ``zoo sweep`` is this package's command line.

    from zoo.sweep import sweep, write_report
    result = sweep(["rims-digits"], "sweeps/lr", seeds="0-4", grid=["train.lr=1e-3,2e-3"], jobs=2)
    write_report("sweeps/lr")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from zoo.sweep.cluster import ClusterOptions
from zoo.sweep.executors import make_executor
from zoo.schema.fingerprint import fingerprint
from zoo.sweep.options import load_plan
from zoo.sweep.report import write_report
from zoo.sweep.resolve import ResolvedPoint, resolve_points
from zoo.sweep.runner import SweepResult, check_while_starting, run_sweep
from zoo.sweep.table import RunRow, read_table

__all__ = ["ClusterOptions", "ResolvedPoint", "RunRow", "SweepResult", "check_while_starting", "fingerprint",
           "load_plan", "make_executor", "read_table", "resolve_points", "run_sweep", "sweep", "write_report"]


def sweep(refs: Iterable[str], out: str | Path, seeds: str | None = None, grid: Iterable[str] = (),
          sets: Iterable[str] = (), jobs: int = 1, threads: int = 1, executor: str = "local",
          device: str = "cpu", fail_fast: bool = False, say: Callable[[str], Any] = print,
          cluster: ClusterOptions | None = None) -> SweepResult:
    """Check every point of a sweep, then run those not done yet in ``out``; see ``zoo sweep --help``.

    Args:
        refs: spec files or catalogue names, or one sweep file.
        out: the sweep's folder (results.csv, runs/, logs/).
        seeds: e.g. ``"0-4"`` (default: each spec's own seed).
        grid: ``"path=v1,v2"`` axes; every combination runs.
        sets: ``"path=value"`` overrides shared by every point.
        jobs: runs at a time.
        threads: torch threads per run.
        executor: ``local``, ``inline``, ``submitit-local``, ``submitit-debug`` or ``slurm``.
        device: each run's device.
        fail_fast: stop at the first failed run.
        say: prints progress lines.
        cluster: Slurm options (partition, time limit, GPUs per run).

    Raises:
        SpecError: bad input anywhere in the sweep (nothing has run).
        KeyboardInterrupt: Ctrl-C (the table holds every finished run; sweeping again continues).
    """
    engine = make_executor(executor, jobs, Path(out) / "submitit", threads, cluster)
    points = check_while_starting(lambda: resolve_points(load_plan(list(refs), seeds, grid, sets)), engine)
    return run_sweep(points, out, engine, threads=threads, device=device, fail_fast=fail_fast, say=say)
