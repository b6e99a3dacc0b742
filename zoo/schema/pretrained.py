"""``pretrained``: banks that are parts of a family's model (RIMs cells, hypernetwork templates, a slot
VAE's encoder and decoder), loaded into the built model by name and frozen."""

from __future__ import annotations

from pydantic import Field

from zoo.schema.base import Spec, WeightsPin, weights_pin


class PretrainedPartSpec(Spec):
    """A part bank loaded after the model is built; its tensors are frozen but for ``train``."""

    source: str = Field(min_length=1, max_length=2000, description="The bank: a directory, a catalogue bank name "
                        "(`zoo banks list`) or hf://org/name@revision.")
    train: tuple[str, ...] = Field(default=(), max_length=64, description="Parameter names or name prefixes of the "
                                   "bank that keep training (e.g. the RIMs input attention 'rims.cell.query').")
    sha256: WeightsPin = weights_pin()
