"""The slot VAE bank: its encoder and decoder.

Composed for scenes from a new distribution (new shapes or colours, more objects), the decoder and
the encoder's trunk stay frozen and the encoder's head (the per-slot mean and log-variance) keeps
training; with ``train: []`` in the spec's ``pretrained`` entry the whole bank stays frozen. The
image size and the slot count and width are the bank's.
"""

from __future__ import annotations

from zoo.banks.part import BankPart

PART = BankPart(
    family="slot_vae",
    name="encoder_decoder",
    nodes=("encoder", "decoder"),
    structure=("model", "slots"),
    trainable=("encoder.head",),
    requires=("data.size",),
    summary="slot VAE encoder and decoder",
)
