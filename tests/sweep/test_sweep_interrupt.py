"""Ctrl-C at a terminal (SIGINT to the whole process group) during ``zoo sweep --jobs 1``: the sweep and its
worker stop, the table holds every finished run, and the next ``zoo sweep`` continues."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from zoo.sweep import read_table

ROOT = Path(__file__).resolve().parents[2]


def test_ctrl_c_stops_the_sweep_and_its_workers_cleanly(tmp_path, tiny):
    out = tmp_path / "s"
    args = [sys.executable, "-m", "zoo", "sweep", "comet-particles", "--seeds", "0-9", "--out", str(out),
            *[x for s in tiny for x in ("--set", s)]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while not (out / "results.csv").is_file() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stdout + stderr
    assert "interrupted: finished runs are in" in stderr and "Traceback" not in stderr + stdout
    done = read_table(out)
    assert 1 <= len(done) < 10 and {r.status for r in done} == {"ok"}
    listed = subprocess.run([*args, "--dry-run"], env=env, capture_output=True, text=True, timeout=120)
    assert f"{len(done)} done already, {10 - len(done)} to run" in listed.stdout, listed.stdout + listed.stderr
