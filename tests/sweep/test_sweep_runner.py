"""Running sweeps (in this process): resume, re-runs of changed specs, failures, Ctrl-C, one sweep per folder."""

from __future__ import annotations

import pytest

import zoo.sweep.job as job_module
from zoo.errors import ZooError
from zoo.sweep import load_plan, read_table, resolve_points, sweep
from zoo.sweep.lock import sweep_lock
from zoo.sweep.status import todo


def run(out, sets, **kwargs):
    return sweep(["comet-particles"], out, sets=sets, executor="inline", say=lambda line: None, **kwargs)


def test_a_second_sweep_skips_what_is_done(tmp_path, tiny):
    first = run(tmp_path, tiny, seeds="0-1")
    assert (first.ran, first.skipped) == (2, 0) and [r.status for r in first.rows] == ["ok", "ok"]
    assert (tmp_path / "runs" / first.rows[0].run / "metrics.json").is_file()
    more = run(tmp_path, tiny, seeds="0-2")
    assert (more.ran, more.skipped) == (1, 2)
    assert more.rows[:2] == first.rows  # the recorded runs were not run again
    assert [r.seed for r in read_table(tmp_path)] == [0, 1, 2]


def test_a_point_whose_spec_changed_runs_again(tmp_path, tiny):
    first = run(tmp_path, tiny, seeds="0")
    changed = run(tmp_path, (*tiny, "train.steps=3"), seeds="0")
    assert changed.ran == 1 and changed.rows[0].run == first.rows[0].run
    assert changed.rows[0].fingerprint != first.rows[0].fingerprint and changed.rows[0].metrics["steps"] == 3
    assert len(read_table(tmp_path)) == 1


def test_a_failed_run_is_recorded_and_the_sweep_goes_on(tmp_path, tiny):
    result = run(tmp_path, tiny, seeds="0", grid=["train.lr=1e6,1e-3"])
    assert [(r.setting, r.status) for r in result.rows] == [("train.lr=1e6", "failed"), ("train.lr=1e-3", "ok")]
    failed = result.rows[0]
    assert failed.error and failed.metrics == {} and result.failed == [failed]  # lr=1e6: no finite step
    log = (tmp_path / "logs" / f"{failed.run}.log").read_text()
    assert "Traceback" in log and failed.error.split(":")[-1].strip() in log
    again = run(tmp_path, tiny, seeds="0", grid=["train.lr=1e6,1e-3"])
    assert (again.ran, again.skipped) == (1, 1)  # a failed run runs again, a done one does not


def test_fail_fast_stops_at_the_first_failure(tmp_path, tiny):
    result = run(tmp_path, tiny, seeds="0-1", grid=["train.lr=1e6,1e-3"], fail_fast=True)
    assert result.ran == 1 and [r.status for r in read_table(tmp_path)] == ["failed"]


def test_ctrl_c_keeps_a_complete_table_and_the_next_sweep_continues(tmp_path, tiny, monkeypatch):
    real, started = job_module._train, []

    def second_is_interrupted(job):
        started.append(job.key)
        if len(started) == 2:
            raise KeyboardInterrupt
        return real(job)

    monkeypatch.setattr(job_module, "_train", second_is_interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, tiny, seeds="0-2")
    assert [(r.seed, r.status) for r in read_table(tmp_path)] == [(0, "ok")]
    monkeypatch.setattr(job_module, "_train", real)
    resumed = run(tmp_path, tiny, seeds="0-2")
    assert (resumed.ran, resumed.skipped) == (2, 1) and [r.seed for r in resumed.rows] == [0, 1, 2]


def test_an_interrupted_run_continues_its_checkpoint_only_for_the_same_spec(tmp_path, tiny):
    first = run(tmp_path, tiny, seeds="0")
    (tmp_path / "results.csv").unlink()  # as if the sweep had stopped after the run, before its row
    same = resolve_points(load_plan(["comet-particles"], "0", (), tiny))
    assert [(t.why, t.resume) for t in todo(same, [], tmp_path)] == [("interrupted", True)]
    other = resolve_points(load_plan(["comet-particles"], "0", (), (*tiny, "train.lr=0.01")))
    assert [(t.why, t.resume) for t in todo(other, [], tmp_path)] == [("interrupted", False)]
    again = run(tmp_path, tiny, seeds="0")
    assert again.rows[0].metrics["one_step_mse"] == first.rows[0].metrics["one_step_mse"]


def test_one_sweep_at_a_time_per_folder(tmp_path, tiny):
    with sweep_lock(tmp_path):
        with pytest.raises(ZooError, match="another zoo sweep is running in this folder"):
            run(tmp_path, tiny, seeds="0")
    assert run(tmp_path, tiny, seeds="0").ran == 1
