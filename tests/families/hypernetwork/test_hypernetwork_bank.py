"""The hypernetwork catalogue bank: templates and embedding initialisation, composed so that only the
task embedding (and the output gain and bias) adapts."""

from __future__ import annotations

import pytest

from zoo.errors import BankError
from zoo.hub.compose import compose_spec
from zoo.schema import load_spec
from tests.support.part_banks import compose_and_train, load_offline, refusal

BANK = "hypernetwork-connected-bank"


def target(*overrides: str):
    """The bank's teacher, tiny: a few tasks, shots and steps."""
    return load_spec(BANK, ["train.steps=2", "train.batch=2", "train.eval_tasks=2", "data.support_shots=4",
                            "data.query_shots=4", "train.inner.steps=2", *overrides])


def test_the_bank_loads_offline_with_templates_and_embedding():
    bank = load_offline(BANK)
    assert bank.part["family"] == "hypernetwork"
    assert {"hnet.thetas.0", "hnet.thetas.1", "embedding.value"} <= set(bank.tensors)


def test_composed_the_templates_stay_frozen_and_the_embedding_trains(tmp_path):
    got = compose_and_train(BANK, target(), tmp_path / "run")
    assert got["trainable"] == ["embedding.value", "hnet.bias", "hnet.gain"]
    assert not any(k.startswith("hnet.thetas") for k in got["bank_changed"])
    assert got["trainable_changed"]


def test_a_bank_from_a_teacher_of_another_shape_is_refused():
    with pytest.raises(BankError) as e:
        compose_spec(target("data.input=12", "hypernetworks[0].target.input=12"), [BANK])
    assert "data.input: the spec has 12, the bank 16" in str(e.value)


def test_a_target_network_of_another_shape_is_refused_when_built():
    text = refusal(BANK, target(), "hypernetworks.hnet.target.hidden", [16])
    assert "hypernetworks.hnet: the spec has" in text and "'hidden': [16]" in text and "'hidden': [32]" in text
