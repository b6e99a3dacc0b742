"""Where and how a run executes: its device, threads and seeds; recorded with the versions in ``run.json``.

``run.json`` holds one entry per start of the run (``sessions``: the first start and every
``--resume``), each with the step it started from, so a resumed run shows where each part ran.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from zoo import __version__
from zoo.errors import ZooError
from zoo.io import FileReadError, read_limited, write_json

MAX_RUN_JSON_BYTES = 4 * 1024 * 1024


def set_threads(threads: int | None) -> None:
    """Use ``threads`` CPU threads for torch's operators (and between operators where still possible).

    Raises:
        ZooError: ``threads`` is below 1.
    """
    if threads is None:
        return
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ZooError(f"--threads {threads!r}: expected a whole number of threads, at least 1")
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:  # only allowed before the first parallel work of this process; keep what it has
        pass


def session(device: torch.device, world: int, first_step: int) -> dict[str, Any]:
    """This start of a run: when, from which step, where and with how many threads."""
    return {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "from_step": first_step, "device": str(device),
            "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
            "processes": world, "torch": torch.__version__, "zoo": __version__}


def record_session(run_dir: Path, entry: dict[str, Any]) -> None:
    """Append ``entry`` to ``run_dir/run.json`` (written atomically; an unreadable file starts afresh)."""
    path = run_dir / "run.json"
    sessions: list[Any] = []
    try:
        old = json.loads(read_limited(path, MAX_RUN_JSON_BYTES, "run.json"))
        sessions = list(old.get("sessions", [])) if isinstance(old, dict) else []
    except (FileNotFoundError, FileReadError, ValueError):
        pass
    write_json(path, {"sessions": sessions + [entry]})


def resolve_device(device: str | torch.device | None) -> torch.device:
    """``"auto"``/None -> cuda when present, else cpu; asking for cuda without one is an error."""
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ZooError(f"--device {device!r}: unknown device; expected cpu, cuda, cuda:N or auto") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ZooError(f"--device {device} was asked for, but torch sees no CUDA device here; use --device cpu "
                       "(or --device auto: cuda when present, else cpu)")
    return dev


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
