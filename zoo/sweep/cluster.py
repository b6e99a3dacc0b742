"""Sweeps on a cluster through submitit (``pip install 'mechzoo[slurm]'``): Slurm, or submitit's local and
debug executors, which run the same pickled jobs on this machine (the debug one in this process)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zoo.errors import ZooError
from zoo.sweep.job import RunJob, RunOutcome, run_job

CLUSTERS = {"slurm": "slurm", "submitit-local": "local", "submitit-debug": "debug"}


@dataclass(frozen=True)
class ClusterOptions:
    """A run's Slurm partition (None: the cluster's default), time limit in minutes, and GPUs."""

    partition: str | None = None
    time_min: int = 24 * 60
    gpus: int = 0


class SubmititExecutor:
    """Runs each job as a submitit job (one Slurm job per run on a cluster), ``jobs`` at a time.

    Args:
        kind: ``slurm``, ``submitit-local`` or ``submitit-debug``.
        jobs: how many runs are submitted at once.
        folder: where submitit keeps its job files and logs.
        threads: CPUs per run.
        options: Slurm partition, time limit and GPUs per run.
    """

    def __init__(self, kind: str, jobs: int, folder: str | Path, threads: int, options: ClusterOptions) -> None:
        try:
            import submitit
        except ImportError:
            raise ZooError(f"--executor {kind} needs submitit: pip install 'mechzoo[slurm]'") from None
        if kind not in CLUSTERS:
            raise ZooError(f"unknown executor {kind!r}; expected local, inline, {', '.join(CLUSTERS)}")
        if kind != "slurm" and options.gpus:
            raise ZooError(f"--slurm-gpus is for --executor slurm, not {kind}")
        self.slots = jobs
        self._poll_s = 5.0 if kind == "slurm" else 0.1
        self._jobs: dict[Any, RunJob] = {}
        self._executor = submitit.AutoExecutor(folder=str(folder), cluster=CLUSTERS[kind])
        params: dict[str, Any] = {"timeout_min": options.time_min, "cpus_per_task": threads, "name": "zoo-sweep"}
        if kind == "slurm":
            params["gpus_per_node"] = options.gpus
            if options.partition:
                params["slurm_partition"] = options.partition
        self._executor.update_parameters(**params)

    def submit(self, job: RunJob) -> Any:
        try:
            handle = self._executor.submit(run_job, job)
        except Exception as e:  # noqa: BLE001 - e.g. no sbatch here: say so instead of a traceback
            raise ZooError(f"cannot submit a run to {self._executor.cluster}: {' '.join(str(e).split())}") from None
        self._jobs[handle] = job
        return handle

    def wait(self, handles: list[Any]) -> list[Any]:
        while True:
            for handle in handles:
                if handle.done():  # the debug executor runs the job here
                    return [handle]
            time.sleep(self._poll_s)

    def outcome(self, handle: Any) -> RunOutcome:
        job = self._jobs.pop(handle)
        try:
            return handle.result()
        except Exception as e:  # noqa: BLE001 - the job died (time limit, preempted, killed): a failed run
            return RunOutcome(job.key, "failed", 0.0, error=f"the job ended without a result: {str(e).splitlines()[0]}")

    def stop(self) -> None:
        for handle in self._jobs:
            handle.cancel(check=False)

    def close(self, now: bool = False) -> None:
        pass
