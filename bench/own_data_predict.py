"""The memory of ``zoo predict`` on a large trajectories file: the file is generated chunk by chunk in a temporary
directory (the predator-prey world of examples/), ``zoo predict`` runs on it as a child process, which reports its
own peak resident memory (``VmHWM`` of /proc/self/status) as it exits. (Not ``ru_maxrss``: on Linux a child's
``ru_maxrss`` also counts the memory its parent had when it was forked, here the benchmark's own.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

from _predator_prey import simulate  # noqa: E402  (examples/_predator_prey.py, NumPy only)
from zoo.trained.stream import NpzStreamWriter  # noqa: E402

CHUNK = 4096  # trajectories simulated at a time
# ``zoo ARGS...`` that prints this process's peak resident memory last, however the command exits
ZOO_WITH_PEAK = """
import sys
from zoo.cli import main
try:
    main(sys.argv[1:], prog_name="zoo")
finally:
    sys.stderr.write("\\n" + "".join(line for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""
LENGTH = 30


def write_large(path: Path, gigabytes: float) -> int:
    """A trajectories file of about ``gigabytes`` (float32 states only), written chunk by chunk; its row count."""
    row_bytes = (LENGTH + 1) * 6 * 7 * 4  # (T+1, N, D) float32
    rows = max(1, int(gigabytes * 2**30 // row_bytes))
    writer = NpzStreamWriter(path, rows)
    try:
        for start in range(0, rows, CHUNK):
            states = simulate(min(CHUNK, rows - start), LENGTH, seed=start)["states"]
            writer.append("states", states)
    except BaseException:
        writer.close()
        raise
    writer.finish()
    return rows


def peak_rss_mb(args: list[str]) -> tuple[float, float]:
    """Run ``zoo args...`` in a child process; its peak resident memory (MiB) and wall-clock seconds. Fails if it
    fails."""
    start = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", ZOO_WITH_PEAK, *args], cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    peak = re.search(r"^VmHWM:\s+(\d+) kB$", child.stderr, re.MULTILINE)
    if child.returncode != 0:
        raise RuntimeError(f"zoo {' '.join(args)} exited {child.returncode}:\n{child.stderr[-2000:]}")
    if peak is None:
        raise RuntimeError("no VmHWM in /proc/self/status: this measurement needs Linux")
    return int(peak.group(1)) / 1024, time.perf_counter() - start


def free_gb(path: Path) -> float:
    """Free disk space where ``path`` lives, in GiB."""
    return shutil.disk_usage(path).free / 2**30


def measure(run_dir: Path, gigabytes: float, scratch: Path) -> dict[str, float]:
    """Peak RSS of ``zoo predict`` over a ``gigabytes`` file and over a tiny one (the fixed cost: Python, torch,
    the model). Needs about 4x the file size free on disk (input, predictions, and their temporary copies)."""
    scratch.mkdir(parents=True, exist_ok=True)
    need = 4 * gigabytes + 0.1
    if free_gb(scratch) < need:
        raise RuntimeError(f"{scratch}: {free_gb(scratch):.1f} GiB free, the measurement needs {need:.1f} GiB")
    tmp = Path(tempfile.mkdtemp(dir=scratch, prefix="predict-rss-"))
    try:
        out: dict[str, float] = {}
        for tag, size in (("tiny", 0.001), ("large", gigabytes)):
            data = tmp / f"{tag}.npz"
            rows = write_large(data, size)
            rss, seconds = peak_rss_mb(["predict", str(run_dir), "--data", str(data), "--out",
                                        str(tmp / f"{tag}-pred.npz"), "--no-progress"])
            out[f"predict_{tag}_file_mb"] = data.stat().st_size / 2**20
            out[f"predict_{tag}_peak_rss_mb"] = rss
            out[f"predict_{tag}_seconds"] = seconds
            out[f"predict_{tag}_trajectories"] = rows
            out[f"predict_{tag}_output_mb"] = (tmp / f"{tag}-pred.npz").stat().st_size / 2**20
            for f in (data, tmp / f"{tag}-pred.npz"):
                f.unlink()
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
