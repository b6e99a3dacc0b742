"""One run of a sweep, as a worker executes it: train the resolved spec into its run directory.

:func:`run_job` never raises for a failed run: it returns an outcome with the error, so a failure is
recorded and the sweep goes on. Its output (the training's messages, a failure's traceback) goes to the
run's log file. Ctrl-C during the run gives an ``interrupted`` outcome.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from zoo.errors import TrainingError, ZooError
from zoo.schema import validate


@dataclass(frozen=True, eq=False)
class RunJob:
    """What a worker needs for one run (plain data: it travels to other processes and machines)."""

    key: str
    spec: dict[str, Any]  # the resolved spec document
    run_dir: str
    log: str  # where the run's output goes
    resume: bool  # continue the run directory's checkpoint (same spec); else start it afresh (overwrite)
    threads: int = 1  # torch threads of this run
    device: str = "cpu"


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended: ``ok`` with its final metrics, ``failed`` with its error, or ``interrupted``."""

    key: str
    status: str
    wall_s: float
    metrics: dict[str, float] = field(default_factory=dict)
    error: str = ""


def run_job(job: RunJob) -> RunOutcome:
    """Train ``job``'s spec into its run directory; the outcome, never an exception for a failed run."""
    import torch

    start = time.perf_counter()
    threads = torch.get_num_threads()
    torch.set_num_threads(job.threads)
    Path(job.log).parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(job.log, "a", encoding="utf-8") as log, _output_to(log), _interruptible():
            try:
                metrics = _train(job)
            except Exception as e:  # noqa: BLE001 - any failure of one run is recorded, the sweep goes on
                traceback.print_exc()
                return RunOutcome(job.key, "failed", time.perf_counter() - start, error=_one_line(e))
    except KeyboardInterrupt:
        return RunOutcome(job.key, "interrupted", time.perf_counter() - start, error="interrupted")
    finally:
        torch.set_num_threads(threads)
    return RunOutcome(job.key, "ok", time.perf_counter() - start, metrics)


def _train(job: RunJob) -> dict[str, float]:
    """The run's final metrics and the numbers of its summary (training seconds, steps, ...)."""
    from zoo.train import train

    result = train(validate(job.spec), run_dir=job.run_dir, device=job.device, resume=job.resume, progress=False,
                   overwrite=not job.resume, threads=job.threads)
    numbers = {k: float(v) for k, v in result.summary.items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return {**numbers, **result.metrics}


def _one_line(e: BaseException) -> str:
    """The error's type and message on one line (the traceback is in the run's log)."""
    text = " ".join(str(e).split()) or type(e).__name__

    return text if isinstance(e, (ZooError, TrainingError)) else f"{type(e).__name__}: {text}"


@contextlib.contextmanager
def _output_to(log) -> Iterator[None]:
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        yield


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt during the run, also in a pool worker that ignores it while idle."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def ignore_interrupts() -> None:
    """Ctrl-C reaches a pool worker only while it runs a job (see ``_interruptible``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# What a worker imports when it starts rather than in its first run: the training stack, what the memory
# check's allocation-counting mode loads on first use (torch._dynamo, about 1.5 s), and the figures.
WORKER_IMPORTS = ("zoo.train", "torch._dynamo", "matplotlib.pyplot")


def start_worker() -> None:
    """A pool worker's initializer: ignore Ctrl-C while idle, and import what every run needs, so that
    this happens while the sweep checks its points rather than in each worker's first run."""
    ignore_interrupts()
    # A worker's last act is to tell the pool it stops; unloading torch after that takes about a second
    # and leaves nothing to save (each run's files and log are closed), so the worker ends there.
    atexit.register(os._exit, 0)
    for name in WORKER_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional one (the figures' matplotlib): the run says what is missing
            pass


def worker_ready() -> None:
    """A job that does nothing: submitting one per worker starts every worker at once."""
