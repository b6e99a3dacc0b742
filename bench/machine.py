"""What the benchmarks share: the machine they ran on (CPU model, cores, versions, date), running jobs side by
side, the names of per-seed figures, and a fingerprint of the spec they were measured with."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
from collections import defaultdict
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


def side_by_side(fn, jobs: list[tuple]) -> list:
    """``fn(*job)`` for every job, each in its own spawned process with one torch thread; the results in job
    order. Wall-clock times measured inside ``fn`` then include sharing the machine."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(len(jobs), mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_one_thread, [fn] * len(jobs), jobs))


def _one_thread(fn, job: tuple):
    import torch

    torch.set_num_threads(1)
    return fn(*job)


def per_seed(key: str) -> tuple[str, int] | None:
    """``("jari_reg", 1)`` for the per-seed figure ``"jari_reg_seed1"``; None for any other key."""
    base, sep, seed = key.rpartition("_seed")
    return (base, int(seed)) if sep and seed.isdigit() else None


def seed_means(results: dict[str, float], select=lambda key: True) -> tuple[dict[str, float], int]:
    """Each per-seed figure whose key ``select`` accepts, averaged over its seeds (``"jari_reg"`` from
    ``"jari_reg_seed0"``, ``"jari_reg_seed1"``, ...), and how many seeds there are."""
    groups: dict[str, list[float]] = defaultdict(list)
    seeds = set()
    for key, value in results.items():
        seeded = per_seed(key)
        if seeded and select(key):
            groups[seeded[0]].append(value)
            seeds.add(seeded[1])
    return {k: sum(v) / len(v) for k, v in groups.items()}, len(seeds)


def spec_fingerprint(spec) -> float:
    """A spec's settings as a number (32 bits of a hash), leaving out what a bench run sets itself (seed,
    steps, evaluation interval) and the prose: per-seed figures are only averaged across the same spec."""
    settings = spec.model_dump(mode="json", exclude={"name", "description"})
    for key in ("seed", "steps", "eval_every"):
        settings["train"].pop(key)
    return float(int(hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:8], 16))
