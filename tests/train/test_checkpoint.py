"""Checkpoints: safetensors only, atomic, every state restored, corrupt files refused."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from zoo.errors import BankError
from zoo.train.checkpoint import Checkpoint, load_checkpoint, rng_state, save_checkpoint, set_rng_state


def test_round_trip_restores_optimizer_and_rng(tmp_path):
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    gen = torch.Generator().manual_seed(5)
    state = rng_state(gen)
    expected = (torch.rand(3), np.random.rand(), random.random(), torch.rand(2, generator=gen))
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, Checkpoint(7, model.state_dict(), opt.state_dict(), {"last_epoch": 7}, state, {"a": 1}))
    ck = load_checkpoint(path)
    assert ck.step == 7 and ck.extra == {"a": 1} and ck.scheduler == {"last_epoch": 7}
    opt2 = torch.optim.Adam(torch.nn.Linear(3, 2).parameters(), lr=0.1)
    opt2.load_state_dict(ck.optimizer)
    assert torch.equal(opt2.state_dict()["state"][0]["exp_avg"], opt.state_dict()["state"][0]["exp_avg"])
    set_rng_state(ck.rng, gen)
    again = (torch.rand(3), np.random.rand(), random.random(), torch.rand(2, generator=gen))
    assert torch.equal(again[0], expected[0]) and again[1] == expected[1] and again[2] == expected[2]
    assert torch.equal(again[3], expected[3])
    assert not list(tmp_path.glob(".tmp-*"))


@pytest.mark.parametrize("content", [b"", b"\x80\x04garbage", b"\x08\x00\x00\x00\x00\x00\x00\x00{\"a\":1}"])
def test_corrupt_checkpoints_are_refused(tmp_path, content):
    path = tmp_path / "c.safetensors"
    path.write_bytes(content)
    with pytest.raises(BankError):
        load_checkpoint(path)
