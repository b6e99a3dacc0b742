"""Kill a real ``zoo train`` process with SIGKILL at a chosen step, resume it, and inspect what it left.

:func:`kill_at_step` starts ``python -m zoo train`` and sends ``SIGKILL`` once ``train.csv`` shows the
chosen step (the spec must log every step); :func:`interrupt_at` stops an in-process run at a step. :func:`partial_files` lists every file in a run directory
that is not complete: an unreadable safetensors or JSON file, a CSV row cut short, a temporary file.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable


def interrupt_at(monkeypatch, procedure: type, step: int) -> Callable:
    """Make ``procedure.loss`` raise ``KeyboardInterrupt`` at ``step`` (a crash mid-run, in this process)
    through pytest's ``monkeypatch``; returns the original ``loss`` to put back."""
    original = procedure.loss

    def crash(self, batch, at):
        if at == step:
            raise KeyboardInterrupt
        return original(self, batch, at)

    monkeypatch.setattr(procedure, "loss", crash)
    return original


def zoo_command(*args: str) -> list[str]:
    """``python -m zoo ARGS`` with this interpreter."""
    return [sys.executable, "-m", "zoo", *args]


def child_env(root: Path | None = None) -> dict[str, str]:
    """The environment for a child ``zoo``: one thread, no GPU, this checkout's package first."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    if root is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _logged_steps(path: Path) -> int:
    try:
        with open(path, "rb") as f:
            return max(0, f.read().count(b"\n") - 1)
    except OSError:
        return 0


def kill_at_step(spec: Path, run_dir: Path, step: int, env: dict[str, str], timeout: float = 300) -> int:
    """Run ``zoo train`` and SIGKILL it once ``step`` steps are logged; returns the last logged step.

    Raises:
        RuntimeError: the run ended (or timed out) before reaching ``step``.
    """
    args = zoo_command("train", str(spec), "--run-dir", str(run_dir), "--no-progress")
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    log, deadline = run_dir / "train.csv", time.monotonic() + timeout
    try:
        while _logged_steps(log) < step:
            if proc.poll() is not None:
                raise RuntimeError(f"the run ended (code {proc.returncode}) before step {step}: "
                                   f"{proc.stderr.read().decode(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"step {step} not reached in {timeout} s")
            time.sleep(0.001)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    return _logged_steps(log)


def partial_files(run_dir: Path, allow_temporaries: bool = False) -> list[str]:
    """Every incomplete file under ``run_dir`` (empty when everything there is whole).

    Args:
        allow_temporaries: accept ``.tmp-*`` files that are themselves complete (a crash between
            linking a finished file and renaming it leaves one; the next run removes it).
    """
    from zoo.errors import BankError
    from zoo.weights import read_weights

    problems = []
    for p in sorted(x for x in run_dir.rglob("*") if x.is_file()):
        name = p.name
        if name.startswith(".tmp-") and not allow_temporaries:
            problems.append(f"temporary file left behind: {p.relative_to(run_dir)}")
            continue
        real = name[len(".tmp-"):].rsplit("-", 1)[0] if name.startswith(".tmp-") else name
        try:
            if real.endswith(".safetensors"):
                read_weights(p)
            elif real.endswith(".json"):
                json.loads(p.read_text())
            elif real.endswith(".csv"):
                with open(p, newline="") as f:
                    rows = list(csv.DictReader(f))
                if any(None in r or None in r.values() for r in rows):
                    problems.append(f"a CSV row cut short: {p.relative_to(run_dir)}")
        except (BankError, ValueError, OSError) as e:
            problems.append(f"incomplete {p.relative_to(run_dir)}: {e}")
    return problems


def run_zoo(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m zoo ARGS`` to completion, output captured."""
    return subprocess.run(zoo_command(*args), env=env, capture_output=True, text=True, timeout=timeout)
