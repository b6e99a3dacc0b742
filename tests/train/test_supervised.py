"""The supervised procedure refuses a model whose inputs the data does not provide, before training."""

from __future__ import annotations

import copy

import pytest

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
