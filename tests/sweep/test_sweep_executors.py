"""The engines that run a sweep's runs: worker processes (--jobs), submitit's local executor, threads per run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest
import torch

import zoo.sweep.job as job_module
from zoo.errors import SpecError
from zoo.sweep import load_plan, resolve_points, sweep
from zoo.sweep.executors import LocalExecutor
from zoo.sweep.job import RunJob, run_job


def metrics(result) -> dict[str, dict[str, float]]:
    """Each run's final metrics without its timings (the rest is deterministic for a seed)."""
    timing = ("train_seconds", "samples_per_second")
    return {r.run: {k: v for k, v in r.metrics.items() if k not in timing} for r in result.rows}


def test_two_worker_processes_give_what_one_process_gives(tmp_path, tiny):
    quiet = dict(sets=tiny, seeds="0-1", say=lambda line: None)
    pool = sweep(["comet-particles"], tmp_path / "pool", jobs=2, executor="local", **quiet)
    inline = sweep(["comet-particles"], tmp_path / "inline", executor="inline", **quiet)
    assert pool.ran == 2 and [r.status for r in pool.rows] == ["ok", "ok"]
    assert metrics(pool) == metrics(inline)


def test_submitit_local_executor(tmp_path, tiny):
    pytest.importorskip("submitit")
    quiet = dict(sets=tiny, seeds="0", say=lambda line: None)
    cluster = sweep(["comet-particles"], tmp_path / "submitit", executor="submitit-local", **quiet)
    inline = sweep(["comet-particles"], tmp_path / "inline", executor="inline", **quiet)
    assert [r.status for r in cluster.rows] == ["ok"] and metrics(cluster) == metrics(inline)
    assert list((tmp_path / "submitit" / "submitit").glob("*_log.out"))  # submitit ran it as its own job


def test_each_run_has_its_threads_and_the_caller_keeps_its_own(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(job_module, "_train", lambda job: seen.append(torch.get_num_threads()) or {"x": 1.0})
    before = torch.get_num_threads()
    outcome = run_job(RunJob("k", {}, str(tmp_path / "run"), str(tmp_path / "k.log"), False, threads=before + 1))
    assert outcome.status == "ok" and seen == [before + 1] and torch.get_num_threads() == before


def test_a_worker_that_dies_fails_its_run_and_a_fresh_pool_runs_the_next(tmp_path, tiny):
    long, short = (resolve_points(load_plan(["comet-particles"], "0", (), (*tiny, steps)))[0]
                   for steps in ("train.steps=100000", "train.steps=2"))
    jobs = [RunJob(p.key, p.spec, str(tmp_path / name), str(tmp_path / f"{name}.log"), False)
            for p, name in ((long, "long"), (short, "short"))]
    before = set(multiprocessing.active_children())
    pool = LocalExecutor(1)
    try:
        handle = pool.submit(jobs[0])
        deadline = time.monotonic() + 240
        while not (tmp_path / "long" / "spec.yaml").is_file() and time.monotonic() < deadline:
            time.sleep(0.1)  # the run has started in its worker
        (worker,) = set(multiprocessing.active_children()) - before
        os.kill(worker.pid, signal.SIGKILL)
        assert pool.wait([handle]) == [handle]
        died = pool.outcome(handle)
        assert died.status == "failed" and "worker process died" in died.error
        again = pool.submit(jobs[1])
        assert pool.wait([again]) == [again] and pool.outcome(again).status == "ok"
    finally:
        pool.close()


def _workers(before: set, count: int, seconds: float = 60) -> set:
    """This test's worker processes, once ``count`` of them are alive (or the deadline passed)."""
    deadline = time.monotonic() + seconds
    while len(set(multiprocessing.active_children()) - before) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return set(multiprocessing.active_children()) - before


def test_every_worker_starts_when_the_pool_is_made_before_any_run():
    before = set(multiprocessing.active_children())
    pool = LocalExecutor(2)
    try:
        assert len(_workers(before, 2)) == 2  # nothing submitted: they import while the sweep checks its points
    finally:
        pool.close()
    assert not set(multiprocessing.active_children()) - before


def test_a_sweep_with_bad_input_stops_its_starting_workers_at_once(tmp_path, tiny):
    before = set(multiprocessing.active_children())
    start = time.monotonic()
    with pytest.raises(SpecError, match="nonexistent"):
        sweep(["comet-particles"], tmp_path / "bad", jobs=2, sets=[*tiny, "train.nonexistent=1"], say=lambda _: None)
    assert time.monotonic() - start < 30 and not set(multiprocessing.active_children()) - before
    assert not (tmp_path / "bad").exists()  # nothing ran, nothing was written
