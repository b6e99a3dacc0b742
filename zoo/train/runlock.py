"""Claiming a run directory: one trainer at a time, and never over another run by accident.

:func:`claim` takes an exclusive lock on the run directory (``.zoo.lock`` inside it, an OS file lock
through the ``filelock`` package, so a killed trainer never leaves it held) for the whole run, then
applies the rules of a start:

- a new run needs a directory that is missing or empty, unless ``overwrite``: then the files of the
  earlier run there (:data:`RUN_ENTRIES`: logs, checkpoints, weights, plots, banks, report) are
  removed first, so nothing stale (a bank, a report) outlives it; other files are left alone;
- ``resume`` needs the directory to exist (it holds the run to continue), and the spec to be the
  run's own up to what may change (:mod:`zoo.train.resume_spec`).

Under ``torchrun`` rank 0 claims the directory and a refusal is raised on every rank.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from filelock import FileLock, Timeout

from zoo.errors import ZooError
from zoo.io import TMP_PREFIX
from zoo.train import distributed as dist
from zoo.train.resume_spec import check_resume_spec

LOCK_NAME = ".zoo.lock"
CHECKPOINT = Path("checkpoints") / "last.safetensors"
RUN_ENTRIES = ("spec.yaml", "run.json", "train.csv", "eval.csv", "metrics.json", "model.safetensors",
               "checkpoints", "plots", "bank", "banks", "report", "tensorboard")


def _contents(run_dir: Path) -> list[str]:
    return sorted(p.name for p in run_dir.iterdir() if p.name != LOCK_NAME)


def _remove_earlier_run(run_dir: Path) -> None:
    for p in run_dir.iterdir():
        if p.name in RUN_ENTRIES or p.name.startswith(TMP_PREFIX):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()


def check_start(run_dir: Path, resume: bool, overwrite: bool) -> None:
    """Refuse a start that the directory's state does not allow (nothing is touched).

    Raises:
        ZooError: resume and overwrite together, resume of a missing directory, a new run into a
            non-empty directory without overwrite, or a run directory that is a file.
    """
    if resume and overwrite:
        raise ZooError("--resume and --overwrite exclude each other: --resume continues the run in "
                       f"{run_dir}, --overwrite deletes it and starts again")
    if run_dir.exists() and not run_dir.is_dir():
        raise ZooError(f"{run_dir}: exists and is not a directory; choose another --run-dir")
    if resume and not run_dir.is_dir():
        raise ZooError(f"{run_dir}: no such run directory, so there is nothing to resume; "
                       "drop --resume to start a new run there")
    if not resume and not overwrite and run_dir.is_dir():
        found = _contents(run_dir)
        if found:
            shown = ", ".join(found[:4]) + (f" and {len(found) - 4} more" if len(found) > 4 else "")
            raise ZooError(f"{run_dir}: the run directory is not empty (it holds {shown}); add --resume to "
                           "continue that run, --overwrite to delete it and start again, or choose another --run-dir")


def check_run_dir(run_dir: Path, spec, resume: bool, overwrite: bool) -> None:
    """:func:`check_start`, and on resume :func:`~zoo.train.resume_spec.check_resume_spec` (read only)."""
    check_start(run_dir, resume, overwrite)
    if resume:
        check_resume_spec(run_dir, spec, (run_dir / CHECKPOINT).exists())


def claim(run_dir: Path, spec, resume: bool = False, overwrite: bool = False) -> FileLock:
    """Lock ``run_dir`` for this process and prepare it for a new or resumed run; returns the held lock.

    The caller releases the lock when the run ends (``lock.release()``).

    Raises:
        ZooError: another process holds the lock, or :func:`check_run_dir` refuses the start.
    """
    check_run_dir(run_dir, spec, resume, overwrite)
    run_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(run_dir / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise ZooError(f"{run_dir}: another zoo process is training in this run directory (it holds "
                       f"{run_dir / LOCK_NAME}); wait for it to end or choose another --run-dir") from None
    try:
        check_run_dir(run_dir, spec, resume, overwrite)  # again, now that no other trainer can change it
        if overwrite:
            _remove_earlier_run(run_dir)
    except BaseException:
        lock.release()
        raise
    return lock


def claim_on_rank0(run_dir: Path, spec, resume: bool, overwrite: bool) -> FileLock | None:
    """:func:`claim` on rank 0 (the lock is rank 0's; None elsewhere); a refusal is raised on every rank."""
    lock, problem = None, None
    if dist.rank() == 0:
        try:
            lock = claim(run_dir, spec, resume, overwrite)
        except ZooError as e:
            problem = e
    message = dist.broadcast_bytes(None if problem is None else str(problem).encode())
    if problem is not None:
        raise problem
    if message is not None:
        raise ZooError(message.decode())
    return lock
