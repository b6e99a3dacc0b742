"""One trainer per run directory, and no run overwritten by accident (``zoo train`` and ``zoo compose``)."""

from __future__ import annotations

import copy

import pytest
import yaml
from click.testing import CliRunner
from filelock import FileLock

from tests.support.specbases import REGRESSION
from zoo.cli import main
from zoo.errors import ZooError
from zoo.schema import validate
from zoo.train import train
from zoo.train.runlock import LOCK_NAME


def _doc() -> dict:
    doc = copy.deepcopy(REGRESSION)
    doc["train"].update(steps=4, checkpoint_every=2, eval_every=0)
    return doc


@pytest.fixture
def spec_file(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(_doc()))
    return str(path)


def _zoo(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in r.output, r.output
    return r


def _snapshot(run):
    return {p.relative_to(run): p.read_bytes() for p in sorted(run.rglob("*")) if p.is_file()}


def test_a_second_trainer_on_a_locked_run_directory_is_refused(tmp_path):
    run = tmp_path / "run"
    train(validate(_doc()), run_dir=run, progress=False)
    before = _snapshot(run)
    held = FileLock(str(run / LOCK_NAME), timeout=0)
    held.acquire()  # another trainer (a lock on another descriptor conflicts like another process's)
    try:
        with pytest.raises(ZooError, match="another zoo process is training in this run directory"):
            train(validate(_doc()), run_dir=run, progress=False, resume=True)
    finally:
        held.release()
    assert _snapshot(run) == before


def test_a_new_run_into_a_used_directory_is_refused_naming_both_flags(tmp_path, spec_file):
    run = tmp_path / "run"
    assert _zoo("train", spec_file, "--run-dir", run, "--no-progress").exit_code == 0
    before = _snapshot(run)
    r = _zoo("train", spec_file, "--run-dir", run, "--no-progress")
    assert r.exit_code == 2 and "the run directory is not empty" in r.output
    assert "--resume" in r.output and "--overwrite" in r.output
    assert _snapshot(run) == before
    with pytest.raises(ZooError, match="not empty"):
        train(validate(_doc()), run_dir=run, progress=False)


def test_overwrite_removes_the_earlier_run_and_keeps_other_files(tmp_path, spec_file):
    run = tmp_path / "run"
    assert _zoo("train", spec_file, "--run-dir", run, "--no-progress").exit_code == 0
    for stale in ("bank/model.safetensors", "report/report.md", "plots/old.png"):
        (run / stale).parent.mkdir(exist_ok=True)
        (run / stale).write_text("stale")
    (run / "notes.txt").write_text("mine")
    r = _zoo("train", spec_file, "--run-dir", run, "--no-progress", "--overwrite")
    assert r.exit_code == 0, r.output
    assert not (run / "bank").exists() and not (run / "report").exists() and not (run / "plots").exists()
    assert (run / "notes.txt").read_text() == "mine" and (run / "metrics.json").is_file()


def test_resume_of_a_missing_directory_and_resume_with_overwrite_are_refused(tmp_path, spec_file):
    r = _zoo("train", spec_file, "--run-dir", tmp_path / "missing", "--resume")
    assert r.exit_code == 2 and "no such run directory, so there is nothing to resume" in r.output
    assert not (tmp_path / "missing").exists()
    r = _zoo("train", spec_file, "--run-dir", tmp_path / "r", "--resume", "--overwrite")
    assert r.exit_code == 2 and "exclude each other" in r.output


def test_an_empty_existing_directory_is_a_fine_new_run(tmp_path):
    train(validate(_doc()), run_dir=tmp_path, progress=False)  # e.g. pytest's tmp_path
    assert (tmp_path / "metrics.json").is_file()


def test_compose_refuses_a_used_run_directory_before_training(tmp_path):
    from zoo.hub.compose import compose
    from zoo.schema import load_spec

    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "metrics.json").write_text("{}")
    spec = load_spec("comet-particles-compose", ["train.steps=1"])
    with pytest.raises(ZooError, match="not empty"):
        compose(spec, ["comet-particles"], run_dir=tmp_path / "run")
    r = _zoo("compose", "comet-particles-compose", "--bank", "comet-particles", "--run-dir", tmp_path / "run")
    assert r.exit_code == 2 and "--overwrite" in r.output
