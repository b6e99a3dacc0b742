"""The training loop: learning, run directory, exact resumption, NaN handling, atomic files."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file

from tests.support.crash import interrupt_at
import zoo.train.loop
from zoo.errors import TrainingError
from zoo.schema import loads_spec
from zoo.train import train
from zoo.train.checkpoint import load_checkpoint
from zoo.train.procedures.supervised import SupervisedProcedure

SPEC = """\
zoo: 2
name: regress
model:
  kind: graph
  nodes:
    - {name: x, kind: input, shape: [2]}
    - {name: net, kind: mlp, hidden: [32], out: 1, activation: tanh}
  edges: [x -> net]
  outputs: {y: net}
data: {kind: regression}  # replaced by Splits in these tests
train: {procedure: supervised, steps: 150, batch: 32, lr: 0.01, seed: 3, log_every: 5, eval_every: 50}
"""


class Splits:
    def __init__(self, seed: int):
        g = torch.Generator().manual_seed(seed)
        x = torch.rand(512, 2, generator=g) * 2 - 1
        y = torch.sin(2 * x[:, :1]) * x[:, 1:]
        self.splits = {"train": {"x": x[:400], "target": y[:400]}, "test": {"x": x[400:], "target": y[400:]}}


@pytest.fixture(autouse=True)
def fake_env(monkeypatch):
    monkeypatch.setattr(zoo.train.loop, "make_env", lambda data, seed: Splits(seed))


def _spec(*sets):
    text = SPEC
    for old, new in sets:
        text = text.replace(old, new)
    return loads_spec(text)


def test_training_learns_and_writes_the_run_directory(tmp_path):
    result = train(_spec(), run_dir=tmp_path / "run", progress=False)
    env = Splits(3).splits["test"]
    baseline = ((env["target"] - env["target"].mean()) ** 2).mean().item()
    assert result.metrics["test_loss"] < 0.3 * baseline
    run = tmp_path / "run"
    for name in ("spec.yaml", "train.csv", "eval.csv", "metrics.json", "model.safetensors", "checkpoints/last.safetensors"):
        assert (run / name).is_file(), name
    assert len((run / "train.csv").read_text().splitlines()) == 1 + 150 // 5
    assert len((run / "eval.csv").read_text().splitlines()) == 1 + 3
    assert json.loads((run / "metrics.json").read_text())["steps"] == 150
    assert set(load_file(run / "model.safetensors")) == {"net.net.0.weight", "net.net.0.bias", "net.net.2.weight", "net.net.2.bias"}
    assert not list(run.rglob(".tmp-*"))


def test_resume_is_bit_identical(tmp_path, monkeypatch):
    spec = _spec(("eval_every: 50", "eval_every: 50, checkpoint_every: 20"))
    straight = train(spec, run_dir=tmp_path / "a", progress=False)
    original = interrupt_at(monkeypatch, SupervisedProcedure, 70)
    with pytest.raises(KeyboardInterrupt):
        train(spec, run_dir=tmp_path / "b", progress=False)
    assert load_checkpoint(tmp_path / "b" / "checkpoints" / "last.safetensors").step == 60
    monkeypatch.setattr(SupervisedProcedure, "loss", original)
    resumed = train(spec, run_dir=tmp_path / "b", progress=False, resume=True)
    a, b = load_file(tmp_path / "a" / "model.safetensors"), load_file(tmp_path / "b" / "model.safetensors")
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert resumed.metrics == straight.metrics
    assert (tmp_path / "a" / "train.csv").read_text() == (tmp_path / "b" / "train.csv").read_text()


def test_nan_loss_stops_with_the_step_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    original = SupervisedProcedure.loss

    def poisoned(self, batch, step):
        loss, logs = original(self, batch, step)
        return (loss * float("nan") if step == 7 else loss), logs

    monkeypatch.setattr(SupervisedProcedure, "loss", poisoned)
    with pytest.raises(TrainingError, match="the loss is nan at step 8"):
        train(_spec(), run_dir=tmp_path / "run", progress=False)
    assert load_checkpoint(tmp_path / "run" / "checkpoints" / "last.safetensors").step == 7


def test_nan_gradient_names_the_parameter(tmp_path, monkeypatch):
    original = SupervisedProcedure.loss

    def poisoned(self, batch, step):
        loss, logs = original(self, batch, step)
        if step == 2:
            w = self.model.net.net[2].weight
            loss = loss + torch.sqrt(w[0, 0] * 0)
        return loss, logs

    monkeypatch.setattr(SupervisedProcedure, "loss", poisoned)
    with pytest.raises(TrainingError, match=r"gradient of 'model.net.net.2.weight' \(parameter group 'net'\) is not finite at step 3"):
        train(_spec(), run_dir=tmp_path / "run", progress=False)


def test_cosine_schedule_and_sgd(tmp_path):
    result = train(_spec(("lr: 0.01", "lr: 0.05, optimizer: sgd, schedule: cosine, warmup: 5")),
                   run_dir=tmp_path / "run", progress=False)
    lrs = [float(l.split(",")[-1]) for l in (tmp_path / "run" / "train.csv").read_text().splitlines()[1:]]
    assert lrs[-1] < lrs[2] and result.metrics["test_loss"] < 1.0
