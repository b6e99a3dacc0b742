"""The slot VAE catalogue bank: encoder and decoder, composed for sprites from a new distribution."""

from __future__ import annotations

from zoo.schema import load_spec
from tests.support.part_banks import compose_and_train, load_offline, refusal

BANK = "slot_vae-sprites-bank"


def target():
    """New scenes (triangles too), tiny."""
    return load_spec(BANK, ["data.shapes=[square, triangle, circle]", "data.images=8", "data.test_images=4",
                            "train.steps=2", "train.batch=2", "train.eval_images=2", "train.jacobian_images=1",
                            "train.warmup=0"])


def test_the_bank_loads_offline_with_encoder_and_decoder():
    bank = load_offline(BANK)
    assert bank.part["nodes"] == ["encoder", "decoder"]
    assert any(k.startswith("encoder.") for k in bank.tensors) and any(k.startswith("decoder.") for k in bank.tensors)


def test_composed_only_the_encoder_head_trains(tmp_path):
    got = compose_and_train(BANK, target(), tmp_path / "run")
    assert got["trainable"] and all(k.startswith("encoder.head.") for k in got["trainable"])
    assert set(got["bank_changed"]) <= set(got["trainable"]) and got["trainable_changed"]


def test_slots_of_another_width_are_refused_naming_the_difference():
    text = refusal(BANK, target(), "slots.dim", 16)
    assert "slots: the spec has {'count': 4, 'dim': 16}, the bank {'count': 4, 'dim': 8}" in text
