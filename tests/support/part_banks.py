"""Checks every family's catalogue bank passes (the tests of each family call them): it loads with
the Hub offline, composes into a new task and trains a few steps without changing its frozen
tensors, and a spec of another shape is refused naming what differs."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import torch


def load_offline(name: str):
    """The catalogue bank ``name``, loaded with the Hub switched off (no network may be used)."""
    from zoo.hub.pretrained import from_pretrained

    with mock.patch.dict(os.environ, {"HF_HUB_OFFLINE": "1"}):
        bank = from_pretrained(name)
    assert bank.part is not None and bank.tensors, f"{name} is not a part bank"
    return bank


def compose_and_train(bank_name: str, target, run_dir: Path, train: list[str] | None = None) -> dict[str, list[str]]:
    """Compose ``bank_name`` into the spec ``target``, train it (the spec's steps), and compare the run's
    final tensors with the bank's: returns the names of the bank's tensors that changed and of the
    model's trainable tensors that changed."""
    from zoo.hub.compose import compose_spec
    from zoo.train import train as run
    from zoo.train.build import build_model
    from zoo.weights import read_weights

    bank = load_offline(bank_name)
    composed = compose_spec(target, [bank_name], train)
    before = {k: v.detach().clone() for k, v in build_model(composed).state_dict().items()}
    trainable = {n for n, p in build_model(composed).named_parameters() if p.requires_grad}
    result = run(composed, run_dir=run_dir, progress=False)
    after, _ = read_weights(Path(result.run_dir) / "model.safetensors")
    changed = {k for k in after if not torch.equal(after[k], before[k])}
    return {"bank_changed": sorted(changed & set(bank.tensors)), "trainable_changed": sorted(changed & trainable),
            "trainable": sorted(trainable)}


def refusal(bank_name: str, target, path: str, value) -> str:
    """The error building ``target`` with ``bank_name`` under ``pretrained`` after setting ``path``
    (a spec path of the bank's structure) to ``value``."""
    from zoo.banks.part import set_path
    from zoo.errors import SpecError
    from zoo.hub.compose import compose_spec
    from zoo.schema import validate
    from zoo.train.build import build_model

    data = compose_spec(target, [bank_name]).model_dump(mode="json")
    set_path(data, path, value)
    try:
        build_model(validate(data))
    except SpecError as e:
        return str(e)
    raise AssertionError(f"a spec with {path}={value!r} was not refused")
