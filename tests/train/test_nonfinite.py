"""A non-finite loss or gradient stops training naming the step (and the parameter group), after saving
exactly the state from before the bad step; the CLI exits 1 with the message and no traceback."""

from __future__ import annotations

import copy
import json

import pytest
import torch
from click.testing import CliRunner

from tests.support.specbases import REGRESSION
from zoo.cli import main
from zoo.errors import TrainingError
from zoo.schema import validate
from zoo.train import train
from zoo.train.procedures.supervised import SupervisedProcedure

CKPT = "checkpoints/last.safetensors"


def _spec(**train_fields):
    doc = copy.deepcopy(REGRESSION)
    doc["train"].update(steps=30, schedule="constant", warmup=0, checkpoint_every=0, eval_every=0)
    doc["train"].update(train_fields)
    return validate(doc)


def _poison_loss_at(monkeypatch, bad_step: int, value: float) -> None:
    original = SupervisedProcedure.loss

    def poisoned(self, batch, step):
        loss, logs = original(self, batch, step)
        return (loss * value if step == bad_step else loss), logs

    monkeypatch.setattr(SupervisedProcedure, "loss", poisoned)


@pytest.mark.parametrize("value,shown", [(float("nan"), "nan"), (float("inf"), "inf")])
def test_bad_loss_keeps_exactly_the_state_before_the_bad_step(tmp_path, monkeypatch, value, shown):
    clean = train(_spec(steps=11), run_dir=tmp_path / "clean", progress=False)
    assert clean.steps == 11
    _poison_loss_at(monkeypatch, 11, value)  # the 12th step
    with pytest.raises(TrainingError, match=rf"the loss is {shown} at step 12; the last good checkpoint \(step 11\)"):
        train(_spec(), run_dir=tmp_path / "bad", progress=False)
    # Same weights, optimiser, scheduler and RNG state, byte for byte, as a clean run stopped after step 11.
    assert (tmp_path / "bad" / CKPT).read_bytes() == (tmp_path / "clean" / CKPT).read_bytes()


def test_bad_gradient_names_the_parameter_group_and_keeps_the_previous_weights(tmp_path, monkeypatch):
    train(_spec(steps=4), run_dir=tmp_path / "clean", progress=False)
    original = SupervisedProcedure.loss

    def poisoned(self, batch, step):
        loss, logs = original(self, batch, step)
        if step == 4:
            loss = loss + torch.sqrt(self.model.net.net[0].weight[0, 0] * 0)  # finite loss, NaN gradient
        return loss, logs

    monkeypatch.setattr(SupervisedProcedure, "loss", poisoned)
    with pytest.raises(TrainingError, match=r"gradient of 'model.net.net.0.weight' \(parameter group 'net'\) is not finite at step 5"):
        train(_spec(), run_dir=tmp_path / "bad", progress=False)
    assert (tmp_path / "bad" / CKPT).read_bytes() == (tmp_path / "clean" / CKPT).read_bytes()


def test_a_diverging_run_stops_and_the_cli_exits_1(tmp_path):
    spec = _spec(optimizer="sgd", lr=1e5, grad_clip=None)
    (tmp_path / "s.json").write_text(json.dumps(spec.model_dump(mode="json")))
    r = CliRunner().invoke(main, ["train", str(tmp_path / "s.json"), "--run-dir", str(tmp_path / "run"), "--no-progress"])
    assert r.exit_code == 1, r.output
    assert "error: training stopped: the loss is inf at step 3" in r.output and "Traceback" not in r.output
    resumed = CliRunner().invoke(main, ["train", str(tmp_path / "s.json"), "--run-dir", str(tmp_path / "run"),
                                        "--resume", "--no-progress"])
    assert resumed.exit_code == 1 and "the loss is inf at step 3" in resumed.output  # deterministic


def test_finite_gradients_whose_norm_overflows_get_a_clear_message(tmp_path, monkeypatch):
    original = SupervisedProcedure.loss

    def huge(self, batch, step):
        loss, logs = original(self, batch, step)
        if step == 2:  # every gradient entry stays finite (3e30) but their squares overflow float32
            loss = loss + 3e30 * self.model.net.net[0].weight.sum()
        return loss, logs

    monkeypatch.setattr(SupervisedProcedure, "loss", huge)
    with pytest.raises(TrainingError, match=r"the gradient norm is inf at step 3 although every gradient is finite"):
        train(_spec(), run_dir=tmp_path / "big", progress=False)
