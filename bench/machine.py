"""What the benchmarks share: the machine they ran on (CPU model, cores, versions, date), and running a
benchmark's sweep of specs over seeds."""

from __future__ import annotations

import os
import platform
import re
import sys
import time
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo when present)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment() -> dict[str, str]:
    """CPU model, cores, torch and Python versions, and the date."""
    import torch

    return {"cpu": cpu_model(), "cores": str(os.cpu_count()), "torch": torch.__version__,
            "python": sys.version.split()[0], "date": time.strftime("%Y-%m-%d")}


def recorded_line(report: Path, prefix: str) -> str | None:
    """The line of an existing report that starts with ``prefix`` (where its figures were measured), or None:
    a report re-rendered from saved figures keeps the machine and date they were measured on."""
    lines = report.read_text().splitlines() if report.is_file() else []
    return next((line for line in lines if line.startswith(prefix)), None)


def sweep_bench(specs: list[str], folder: Path, seeds: str, sets: list[str], jobs: int) -> list:
    """Run (or continue) a benchmark's sweep (``zoo sweep``: one process and thread per run, ``jobs`` at a time)
    and keep in its table only the runs of today's settings: runs it recorded at other seeds with other
    settings (other steps, an older spec) are dropped, so the figures only average like runs. The rows kept."""
    from zoo.sweep import load_plan, resolve_points, sweep
    from zoo.sweep.lock import sweep_lock
    from zoo.sweep.seeds import parse_seeds
    from zoo.sweep.table import write_table

    result = sweep(specs, folder, seeds=seeds, sets=sets, jobs=jobs, threads=1)
    if result.failed:
        raise SystemExit(f"{len(result.failed)} run(s) failed; see {result.table}")
    every = sorted(set(parse_seeds(seeds)) | {r.seed for r in result.rows})
    current = {p.key: p.fingerprint for p in resolve_points(load_plan(specs, ",".join(map(str, every)), (), sets))}
    kept = [r for r in result.rows if current.get(r.run) == r.fingerprint]
    if len(kept) < len(result.rows):
        print(f"{folder}: dropped {len(result.rows) - len(kept)} run(s) recorded with other settings", flush=True)
        with sweep_lock(folder):
            write_table(folder, kept)
    return kept


def run_dir(folder: Path, run: str) -> Path:
    """The directory of the run ``run`` (a row's ``run``) of the sweep in ``folder``.

    Raises:
        SystemExit: ``run`` is not a plain folder name (the table's rows name their folders under ``runs/``).
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", run):
        raise SystemExit(f"{folder / 'results.csv'}: run {run!r} is not a folder name")
    return folder / "runs" / run
