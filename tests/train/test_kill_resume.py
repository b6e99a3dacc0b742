"""A real ``zoo train`` killed with SIGKILL at a random step and resumed ends bit-identical to an
uninterrupted run, and the kill never leaves a partial file behind."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
import yaml

from tests.support.crash import child_env, kill_at_step, partial_files, run_zoo
from tests.support.specbases import REGRESSION
from zoo.schema import validate
from zoo.train import train
from zoo.train.checkpoint import load_checkpoint

ROOT = Path(__file__).resolve().parents[2]
STEPS = 150


def _doc() -> dict:
    doc = copy.deepcopy(REGRESSION)
    doc["model"]["nodes"][1]["hidden"] = [32, 32]
    doc["data"].update(samples=256, test_samples=64)
    doc["train"].update(steps=STEPS, batch=32, checkpoint_every=4, eval_every=50, log_every=1, warmup=10)
    return doc


def _metrics(run: Path) -> dict:
    m = json.loads((run / "metrics.json").read_text())
    return {k: v for k, v in m.items() if k not in ("train_seconds", "samples_per_second")}


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    run = tmp_path_factory.mktemp("straight") / "run"
    train(validate(_doc()), run_dir=run, progress=False)
    return run


def test_sigkill_at_a_random_step_then_resume_is_bit_identical(tmp_path, straight):
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(_doc()))
    env, run = child_env(ROOT), tmp_path / "run"
    step = random.SystemRandom().randrange(5, STEPS * 2 // 3)
    logged = kill_at_step(spec, run, step, env)
    assert logged >= step, f"killed at step {logged}, asked for {step}"
    assert partial_files(run, allow_temporaries=True) == [], f"after SIGKILL at step {logged}"
    assert not (run / "model.safetensors").exists()
    saved = load_checkpoint(run / "checkpoints" / "last.safetensors").step
    assert saved % 4 == 0 and saved <= logged
    done = run_zoo("train", str(spec), "--run-dir", str(run), "--resume", "--no-progress", env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert partial_files(run) == []
    for name in ("model.safetensors", "checkpoints/last.safetensors", "train.csv", "eval.csv"):
        assert (run / name).read_bytes() == (straight / name).read_bytes(), f"{name} differs (killed at step {logged})"
    assert _metrics(run) == _metrics(straight)
