"""The scaffolding of the adversarial Hub cases (``bench/reliability_hub_cases.py``): a small bank
served by the fault-injecting Hub server in a temporary directory, small time limits, and the
command line run in process."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_S, DEADLINE_S = 0.5, 2.0
BANK = {"zoo": 2, "name": "owner", "model": {"kind": "comet"}, "slots": {"count": 3, "dim": 4},
        "mechanisms": [{"name": "bank", "kind": "mlp", "count": 2, "hidden": [5], "inputs": ["self", "context"]}],
        "interactions": {"kind": "complete"}}


@dataclass
class World:
    """A case's temporary directory, its bank's source directory and the running fault server."""

    root: Path
    src: Path
    hub: object


def small_bank(directory: Path, seed: int = 0) -> Path:
    """The small bank, its weights drawn with ``seed``, saved in ``directory``."""
    import torch

    from zoo import compile_spec
    from zoo.hub import save_bank
    from zoo.schema import validate

    torch.manual_seed(seed)
    return save_bank(compile_spec(validate(BANK)), "bank", directory)


def _set(values: dict[str, str | None]) -> None:
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@contextmanager
def _env(**values: str | None) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    _set(values)
    try:
        yield
    finally:
        _set(saved)


@contextmanager
def world(timeout: str | None = str(TIMEOUT_S), deadline: str | None = str(DEADLINE_S)) -> Iterator[World]:
    """A fresh bank served as ``org/bank`` with huggingface_hub pointed at it, small time limits."""
    from tests.support.hub_server import serve
    from tests.support.hub_state import FakeHub

    root = Path(tempfile.mkdtemp(prefix="zoo-hub-case-"))
    try:
        src = small_bank(root / "src")
        files = {p.name: p.read_bytes() for p in src.iterdir()}
        with serve(FakeHub("org/bank", files, tags=("v1",)), root / "cache") as hub:
            with _env(ZOO_HUB_TIMEOUT=timeout, ZOO_HUB_DEADLINE=deadline, HF_ENDPOINT=hub.url,
                      HF_HUB_CACHE=str(root / "cache"), HF_TOKEN=hub.token, HF_HUB_OFFLINE=None):
                yield World(root, src, hub)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def cli(*args: str) -> tuple[int, str, float]:
    """Run ``zoo ARGS`` in process: exit code, stderr, seconds."""
    from click.testing import CliRunner

    from zoo.cli import main

    start = time.monotonic()
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stderr, time.monotonic() - start


def refused(args: tuple[str, ...], says: str, within: float | None = None) -> bool:
    """``zoo ARGS`` exits 2 with one ``error:`` message containing ``says``, no traceback (in time)."""
    code, err, took = cli(*args)
    errors = [line for line in err.splitlines() if line.startswith("error:")]  # progress bars may come first
    return (code == 2 and len(errors) == 1 and says in errors[0] and "Traceback" not in err
            and (within is None or took < within))


