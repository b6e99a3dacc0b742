"""Where a sweep's runs execute: in this process, or in a pool of local worker processes.

An executor takes jobs (:class:`~zoo.sweep.job.RunJob`) and hands back their outcomes as they finish.
The sweep keeps at most ``slots`` jobs submitted at a time, so nothing waits in a queue that Ctrl-C or
``--fail-fast`` would have to drain. Cluster executors (submitit) are in :mod:`zoo.sweep.cluster`.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from zoo.errors import ZooError
from zoo.sweep.cluster import ClusterOptions, SubmititExecutor
from zoo.sweep.job import RunJob, RunOutcome, run_job, start_worker, worker_ready


class Executor(Protocol):
    """What the sweep needs of an engine that runs jobs."""

    slots: int  # how many jobs may run at once

    def submit(self, job: RunJob) -> Any:
        """Start ``job``; a handle for :meth:`wait` and :meth:`outcome`."""

    def wait(self, handles: list[Any]) -> list[Any]:
        """Block until at least one of ``handles`` has finished; the finished ones."""

    def outcome(self, handle: Any) -> RunOutcome:
        """The outcome of a finished job (a job whose process died is a failed outcome)."""

    def stop(self) -> None:
        """Interrupt the jobs that run now (Ctrl-C, --fail-fast)."""

    def close(self, now: bool = False) -> None:
        """Release the workers (``now``: stop them without waiting, the sweep's input was bad)."""


class InlineExecutor:
    """Runs each job in this process, one at a time, when the sweep waits for it (for debugging)."""

    slots = 1

    def __init__(self) -> None:
        self._done: dict[int, RunOutcome] = {}

    def submit(self, job: RunJob) -> RunJob:
        return job

    def wait(self, handles: list[RunJob]) -> list[RunJob]:
        job = handles[0]
        self._done[id(job)] = run_job(job)
        return [job]

    def outcome(self, handle: RunJob) -> RunOutcome:
        return self._done.pop(id(handle))

    def stop(self) -> None:
        pass

    def close(self, now: bool = False) -> None:
        pass


class LocalExecutor:
    """A pool of ``jobs`` worker processes (spawned, so each starts clean), reused from run to run: a worker
    imports torch once, not once per run. Every worker starts when the executor is made, so the workers
    import the training stack while the sweep checks its points. Ctrl-C interrupts the runs in progress
    (workers ignore it while idle). A worker that dies (killed, out of memory) fails the runs in progress at
    that moment, and a fresh pool runs the rest."""

    def __init__(self, jobs: int) -> None:
        self.slots = jobs
        self._jobs: dict[cf.Future, RunJob] = {}
        self._before = set(multiprocessing.active_children())
        self._pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        pool = cf.ProcessPoolExecutor(self.slots, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=start_worker)
        for _ in range(self.slots):  # the pool starts a worker per job submitted while none is idle
            pool.submit(worker_ready)
        return pool

    def submit(self, job: RunJob) -> cf.Future:
        try:
            future = self._pool.submit(run_job, job)
        except BrokenProcessPool:  # an earlier run killed its worker: start a fresh pool
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            future = self._pool.submit(run_job, job)
        self._jobs[future] = job
        return future

    def wait(self, handles: list[cf.Future]) -> list[cf.Future]:
        done, _ = cf.wait(handles, return_when=cf.FIRST_COMPLETED)
        return list(done)

    def outcome(self, handle: cf.Future) -> RunOutcome:
        job = self._jobs.pop(handle)
        try:
            return handle.result()
        except BrokenProcessPool:
            return RunOutcome(job.key, "failed", 0.0, error="its worker process died (killed, or out of memory?)")
        except KeyboardInterrupt:
            return RunOutcome(job.key, "interrupted", 0.0, error="interrupted")

    def stop(self) -> None:
        """Send Ctrl-C to this pool's workers (a terminal's Ctrl-C reaches them already; this covers a
        signal sent to the sweep's process alone)."""
        self._signal(signal.SIGINT)

    def close(self, now: bool = False) -> None:
        """Stop the workers (``now``: at once, while they may still be starting; the sweep's input was bad)."""
        if now:
            self._signal(signal.SIGTERM)
        # The pool's own thread reaps its workers; a second join here could race it for the exit status and
        # leave a dead worker listed as alive.
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _signal(self, number: int) -> set:
        """Send signal ``number`` to this pool's workers; those workers."""
        workers = set(multiprocessing.active_children()) - self._before
        for process in workers:
            if process.pid is not None:
                try:
                    os.kill(process.pid, number)
                except ProcessLookupError:
                    pass
        return workers


def make_executor(kind: str, jobs: int = 1, folder: str | Path = "submitit", threads: int = 1,
                  cluster: ClusterOptions | None = None) -> Executor:
    """The executor called ``kind``: ``local`` (``jobs`` worker processes), ``inline`` (this process), or a
    submitit one (``submitit-local``, ``submitit-debug``, ``slurm``: see :mod:`zoo.sweep.cluster`; their job
    files go to ``folder``).

    Raises:
        ZooError: an unknown kind, or a submitit one without submitit installed.
    """
    if jobs < 1 or threads < 1:
        raise ZooError(f"--jobs and --threads are at least 1 (got {jobs} and {threads})")
    if kind == "local":
        return LocalExecutor(jobs)
    if kind == "inline":
        return InlineExecutor()
    return SubmititExecutor(kind, jobs, folder, threads, cluster or ClusterOptions())
