"""The supervised procedure: a model whose inputs the data does not provide is refused before training; it trains
on a fraction of the training split and from pretrained weights when asked."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import torch

from tests.support.specbases import REGRESSION
from zoo.errors import SpecError
from zoo.schema import validate
from zoo.train import train


def test_an_input_the_data_does_not_provide_is_a_clear_spec_error(tmp_path):
    doc = copy.deepcopy(REGRESSION)
    doc["model"]["nodes"][0]["name"] = "print"
    doc["model"]["edges"] = ["print -> net"]
    with pytest.raises(SpecError) as e:
        train(validate(doc), run_dir=tmp_path / "run", progress=False)
    assert str(e.value) == ("model: model inputs ['print'] are not in the 'regression' data, which provides ['x']; "
                            "name the inputs after them")


def _trained(tmp_path, name: str, **train_fields):
    doc = copy.deepcopy(REGRESSION)
    doc["train"] = {**doc["train"], "steps": 2, **train_fields}
    return train(validate(doc), run_dir=tmp_path / name, progress=False)


def test_fraction_trains_on_the_first_part_of_the_training_split():
    from zoo.train.procedures.supervised import first_part

    split = {"x": torch.arange(20).reshape(10, 2), "target": torch.arange(10)}
    assert first_part(split, 0.25)["target"].tolist() == [0, 1, 2]  # ceil(2.5)
    assert first_part(split, 0.01)["target"].tolist() == [0]
    assert first_part(split, 1.0) is split


def test_pretrained_weights_are_where_training_starts(tmp_path):
    from zoo.weights import read_weights

    source = _trained(tmp_path, "source")
    resumed = _trained(tmp_path, "tuned", lr=1e-12, pretrained=str(source.run_dir))
    before = read_weights(Path(source.run_dir) / "model.safetensors")[0]
    after = read_weights(Path(resumed.run_dir) / "model.safetensors")[0]
    assert all(torch.allclose(before[k], after[k], atol=1e-6) for k in before)
    with pytest.raises(SpecError, match="train.pretrained: no weights at"):
        _trained(tmp_path, "missing", pretrained=str(tmp_path / "nowhere.safetensors"))


def test_pretrained_weights_that_are_no_safetensors_are_refused(tmp_path):
    from zoo.errors import BankError

    pickled = tmp_path / "model.safetensors"
    pickled.write_bytes(b"\x80\x04\x95" + b"\x00" * 64)  # a pickle's opening bytes, never unpickled
    with pytest.raises(BankError, match="model.safetensors: not a valid safetensors file"):
        _trained(tmp_path, "tuned", pretrained=str(pickled))
