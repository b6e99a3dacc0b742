"""Running and importing the bench scripts from tests: the repository root on the path, as the README runs them."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script: str, *args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    """``python bench/<script> args...`` from the repository root; fails the test if it exits non-zero."""
    out = subprocess.run([sys.executable, f"bench/{script}", *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    return out


def bench_module(name: str, monkeypatch):
    """Import ``bench/<name>.py`` (with bench/ on the path, as when it runs as a script)."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    loader = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module
