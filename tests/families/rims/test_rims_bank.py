"""The RIMs catalogue bank: cells with their input attention and communication, composed into a
new sequence task (new embedding and head)."""

from __future__ import annotations

import pytest

from zoo.errors import BankError
from zoo.families.rims.bank import ATTENTION
from zoo.schema import load_spec
from tests.support.part_banks import compose_and_train, load_offline, refusal

BANK = "rims-digits-bank"
def target():
    """A new task: copying (another vocabulary, an output at every step), tiny."""
    return load_spec("rims-copying-bank", ["train.steps=2", "train.batch=4", "data.train_sequences=8",
                                           "data.test_sequences=4", "data.delay=3", "data.test_delays=[]",
                                           "mechanisms[0].hidden=8"])


def test_the_bank_loads_offline_with_its_cells_attention_and_communication():
    bank = load_offline(BANK)
    assert bank.part["family"] == "rims" and bank.part["nodes"] == ["rims"]
    assert {"rims.cell.cells.weight_ih", "rims.cell.query.weight", "rims.cell.comm_in.weight"} <= set(bank.tensors)
    assert not any(k.startswith(("embed", "head")) for k in bank.tensors)


def test_composed_only_the_new_layers_train_and_the_bank_stays_as_it_was(tmp_path):
    got = compose_and_train(BANK, target(), tmp_path / "run")
    assert got["trainable"] == ["embed.weight", "head.bias", "head.weight"]
    assert got["bank_changed"] == [] and got["trainable_changed"]


def test_the_input_attention_trains_when_asked(tmp_path):
    got = compose_and_train(BANK, target(), tmp_path / "run", train=list(ATTENTION))
    assert set(got["bank_changed"]) <= {n for n in got["trainable"] if n.startswith(ATTENTION)}
    assert {"rims.cell.query.weight", "rims.cell.value.bias"} <= set(got["trainable"])
    assert "rims.cell.cells.weight_ih" not in got["trainable"] and got["bank_changed"]


def test_cells_of_another_size_are_refused_naming_the_difference():
    text = refusal(BANK, target(), "mechanisms.cells.hidden", 64)
    assert "mechanisms.cells" in text and "'hidden': 64" in text and "'hidden': 32" in text


def test_a_bank_of_another_family_is_refused():
    with pytest.raises(BankError, match="the spec is a rims model, the bank belongs to a slot_vae model"):
        from zoo.hub.compose import compose_spec

        compose_spec(target(), ["slot_vae-sprites-bank"])
