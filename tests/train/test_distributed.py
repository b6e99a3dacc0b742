"""Data-parallel training in 2 CPU processes (gloo on 127.0.0.1): both ranks end with identical weights,
which agree with a single process on the same global batch; only rank 0 writes; the gradient averaging
equals PyTorch's DistributedDataParallel."""

from __future__ import annotations

import copy
import csv

import pytest
import torch

from tests.support.ddp import run_ranks
from tests.support.specbases import REGRESSION
from zoo.errors import ZooError
from zoo.schema import validate
from zoo.train import distributed as dist
from zoo.train.loop import Trainer


def _doc() -> dict:
    doc = copy.deepcopy(REGRESSION)
    doc["data"].update(samples=128, test_samples=32)
    doc["train"].update(steps=25, batch=16, checkpoint_every=10, eval_every=10, log_every=1)
    return doc


def _losses(run) -> list[float]:
    with open(run / "train.csv", newline="") as f:
        return [float(r["loss"]) for r in csv.DictReader(f)]


def test_two_processes_equal_each_other_and_a_single_process(tmp_path):
    ranks = run_ranks(_doc(), 2, tmp_path / "ddp")
    single = Trainer(validate(_doc()), tmp_path / "single", torch.device("cpu"), False)
    initial = {k: v.clone() for k, v in single.state_dict().items()}
    single.run()
    expected = single.state_dict()
    names = sorted(k for k in ranks[0] if k.startswith("state."))
    assert names == sorted(f"state.{k}" for k in expected)
    for k in names:
        assert torch.equal(ranks[0][k], ranks[1][k]), f"{k} differs between the ranks"
        torch.testing.assert_close(ranks[0][k], expected[k[len("state."):]], rtol=1e-5, atol=1e-6)
    moved = max((expected[k] - initial[k]).abs().max().item() for k in expected)
    assert moved > 1e-2  # training really changed the weights that are being compared
    grads = sorted(k[len("ours."):] for k in ranks[0] if k.startswith("ours."))
    assert grads and grads == sorted(k[len("ddp."):] for k in ranks[0] if k.startswith("ddp."))
    for r in ranks:
        for k in grads:
            assert torch.equal(r[f"ours.{k}"], r[f"ddp.{k}"]), k  # same arithmetic: exact for 2 ranks
    run = tmp_path / "ddp" / "run-asked-by-rank0"
    assert not (tmp_path / "ddp" / "run-asked-by-rank1").exists()  # rank 1 used rank 0's run dir and wrote nothing
    assert (run / "model.safetensors").is_file() and (run / "checkpoints" / "last.safetensors").is_file()
    assert _losses(run) == pytest.approx(_losses(tmp_path / "single"), rel=1e-4, abs=1e-6)


def test_uneven_batches_are_refused():
    with pytest.raises(ZooError, match="does not split evenly over 2 processes"):
        dist.shard({"x": torch.zeros(5, 2)}, 0, 2)
    assert dist.shard(torch.arange(6), 1, 2).tolist() == [3, 4, 5]
