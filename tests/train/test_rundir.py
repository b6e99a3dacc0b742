"""The run directory's CSV logs: rewritten atomically on resume, and no evaluation logged twice."""

from __future__ import annotations

import copy
import json
import shutil

import pytest

from tests.support.crash import interrupt_at
from tests.support.specbases import REGRESSION
import zoo.io
import zoo.train.loop
from zoo.schema import validate
from zoo.train import train
from zoo.train.procedures.supervised import SupervisedProcedure
from zoo.train.rundir import CsvLog, read_csv


def _spec(**changes):
    doc = copy.deepcopy(REGRESSION)
    doc["train"].update(steps=10, checkpoint_every=2, eval_every=4, log_every=1, **changes)
    return validate(doc)


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    run = tmp_path_factory.mktemp("straight") / "run"
    train(_spec(), run_dir=run, progress=False)
    return run


def _files(run, names=("train.csv", "eval.csv")):
    return {n: (run / n).read_bytes() for n in names}


def test_truncate_rewrites_only_when_a_row_goes(tmp_path, monkeypatch):
    log = CsvLog(tmp_path / "train.csv")
    for step in (1, 2, 3):
        log.write({"step": step, "loss": 0.5})
    calls = []
    real = zoo.train.rundir.write_chunks
    monkeypatch.setattr(zoo.train.rundir, "write_chunks", lambda p, c: (calls.append(p), real(p, c)))
    log.truncate_after(3)
    assert calls == []
    CsvLog(tmp_path / "train.csv").truncate_after(1)
    assert len(calls) == 1 and [r["step"] for r in read_csv(tmp_path / "train.csv")] == [1.0]


def test_a_crash_in_the_middle_of_a_rewrite_keeps_every_row(tmp_path, monkeypatch):
    log = CsvLog(tmp_path / "eval.csv")
    for step in range(1, 20001):
        log.write({"step": step, "loss": 0.25})
    before = (tmp_path / "eval.csv").read_bytes()
    writes, real_write = [], zoo.io.os.write

    def dying_write(fd, data):  # the process dies after the first chunk of the new file
        if writes:
            raise KeyboardInterrupt
        writes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(zoo.io.os, "write", dying_write)
    with pytest.raises(KeyboardInterrupt):
        CsvLog(tmp_path / "eval.csv").truncate_after(15000)
    monkeypatch.undo()
    assert writes and (tmp_path / "eval.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eval.csv"]


def test_a_crash_during_resume_start_up_then_resume_ends_like_a_straight_run(tmp_path, monkeypatch, straight):
    original = interrupt_at(monkeypatch, SupervisedProcedure, 7)
    with pytest.raises(KeyboardInterrupt):
        train(_spec(), run_dir=tmp_path / "run", progress=False)
    monkeypatch.setattr(SupervisedProcedure, "loss", original)

    def dies_while_rewriting(path, chunks):
        next(iter(chunks))
        raise KeyboardInterrupt  # killed while the logs are being cut back to the checkpoint

    monkeypatch.setattr(zoo.train.rundir, "write_chunks", dies_while_rewriting)
    with pytest.raises(KeyboardInterrupt):
        train(_spec(), run_dir=tmp_path / "run", progress=False, resume=True)
    monkeypatch.undo()
    train(_spec(), run_dir=tmp_path / "run", progress=False, resume=True)
    assert _files(tmp_path / "run") == _files(straight)


def test_resuming_a_finished_run_logs_its_final_evaluation_once(tmp_path, straight):
    run = shutil.copytree(straight, tmp_path / "run")
    for _ in range(2):
        again = train(_spec(), run_dir=run, progress=False, resume=True)
    assert _files(run) == _files(straight)
    assert [r["step"] for r in read_csv(run / "eval.csv")] == [4.0, 8.0, 10.0]
    assert again.metrics["test_loss"] == json.loads((straight / "metrics.json").read_text())["test_loss"]


def test_a_kill_between_the_last_checkpoint_and_metrics_json_logs_no_second_final_row(tmp_path, monkeypatch, straight):
    real = zoo.train.loop.write_json

    def killed_at_metrics(path, obj):
        if path.name == "metrics.json":
            raise KeyboardInterrupt
        real(path, obj)

    monkeypatch.setattr(zoo.train.loop, "write_json", killed_at_metrics)
    with pytest.raises(KeyboardInterrupt):
        train(_spec(), run_dir=tmp_path / "run", progress=False)
    monkeypatch.undo()
    assert not (tmp_path / "run" / "metrics.json").exists()
    train(_spec(), run_dir=tmp_path / "run", progress=False, resume=True)
    assert _files(tmp_path / "run") == _files(straight)
