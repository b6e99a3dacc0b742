"""The regression environment: seeded, its targets come from the teacher it exposes, and it is learnable."""

from __future__ import annotations

import copy

import torch

from tests.support.specbases import REGRESSION
from zoo.envs import make_env
from zoo.schema import validate
from zoo.train import train


def _data(**fields):
    doc = copy.deepcopy(REGRESSION)
    doc["data"].update(fields)
    return validate(doc).data


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = make_env(_data(), 1), make_env(_data(), 1), make_env(_data(), 2)
    assert torch.equal(a.splits["train"]["x"], b.splits["train"]["x"])
    assert not torch.equal(a.splits["train"]["x"], c.splits["train"]["x"])


def test_targets_are_the_teacher_plus_the_declared_noise():
    env = make_env(_data(noise=0.0, inputs=3, outputs=2, samples=50), 0)
    split = env.splits["train"]
    assert split["x"].shape == (50, 3) and split["target"].shape == (50, 2) and split["x"].abs().max() <= 1
    torch.testing.assert_close(split["target"], env.target(split["x"]))
    noisy = make_env(_data(noise=0.5, samples=4000), 0).splits["train"]
    residual = noisy["target"] - make_env(_data(noise=0.5, samples=4000), 0).target(noisy["x"])
    assert abs(residual.std().item() - 0.5) < 0.03


def test_a_tiny_mlp_beats_the_mean_predictor(tmp_path):
    doc = copy.deepcopy(REGRESSION)
    doc["train"].update(steps=150, checkpoint_every=0, eval_every=0, lr=0.01)
    result = train(validate(doc), run_dir=tmp_path / "run", progress=False)
    test = make_env(validate(doc).data, validate(doc).train.seed).splits["test"]["target"]
    baseline = ((test - test.mean()) ** 2).mean().item()
    assert result.metrics["test_loss"] < 0.3 * baseline
