"""The ``model`` section: which family template builds the graph, or an explicit graph.

Discriminated on ``kind``. A template reads the spec's top-level parts (slots, mechanisms,
hypernetworks, interactions, router) and writes the dataflow nodes; ``kind: graph`` takes the nodes
as written. A family adds its template spec here and to ``ModelKindSpec``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from zoo.schema.base import Activation, Count, Dim, Hidden, Name, Spec
from zoo.schema.graph import GraphSpec


class CometModel(Spec):
    """COMET: every mechanism of a bank predicts ``z_i + f_m(z_i, z_j)`` for every candidate context j.

    Needs ``slots``, a ``mechanisms`` bank, ``interactions``; the ``router`` (winner_take_all,
    classifier or soft_mixture) picks the pair.
    """

    kind: Literal["comet"] = Field(description="COMET: a mechanism bank over object slots, with a router.")
    bank: Name | None = Field(default=None, description="Which mechanisms entry (default: the first).")
    banks: tuple[Name, ...] | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Several mechanisms entries side by side (e.g. banks trained on different worlds); "
        "their mechanisms are concatenated in this order. Instead of 'bank'.",
    )
    features: tuple[Annotated[int, Field(ge=0, le=65535)], ...] | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        description="Slot features the mechanisms read (default: all). The others (e.g. visible attributes "
        "such as a species) are read by the router only.",
    )
    changes: tuple[Annotated[int, Field(ge=0, le=65535)], ...] | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        description="Slot features the mechanisms change (default: the features they read); the others "
        "stay as they are. The bank's output width must equal their number.",
    )

    @model_validator(mode="after")
    def _one_way(self) -> "CometModel":
        if self.bank is not None and self.banks is not None:
            raise ValueError("give either 'bank' or 'banks', not both")
        if self.banks is not None and len(set(self.banks)) != len(self.banks):
            raise ValueError(f"banks must not repeat, got {list(self.banks)}")
        for name in ("features", "changes"):
            value = getattr(self, name)
            if value is not None and len(set(value)) != len(value):
                raise ValueError(f"{name} must not repeat, got {list(value)}")
        return self


class InteractionNetworkModel(Spec):
    """A monolithic interaction network over slots (the fine-tuning baseline of COMET)."""

    kind: Literal["interaction_network"] = Field(description="A monolithic interaction network (baseline).")
    hidden: Hidden = (64, 64)
    activation: Activation = Field(default="relu", description="Activation of the relational and update MLPs.")


class HypernetworkModel(Spec):
    """A hypernetwork generates a target MLP from a task embedding ``z`` (an input of the model)."""

    kind: Literal["hypernetwork"] = Field(description="A hypernetwork-generated MLP.")
    hypernetwork: Name | None = Field(
        default=None, description="Which hypernetworks entry (default: the first)."
    )


class SequenceInput(Spec):
    """How a sequence enters the model: integer tokens (embedded) or float feature vectors."""

    vocab: Annotated[int, Field(ge=2, le=100_000)] | None = Field(
        default=None, description="Token inputs with this many symbols (embedded to 'embed' wide)."
    )
    embed: Dim = Field(default=16, description="Embedding width for token inputs.")
    features: Dim | None = Field(default=None, description="Width of float feature inputs.")


class _SequenceModel(Spec):
    input: SequenceInput = Field(description="How the sequence enters: tokens (vocab) or feature vectors (features).")
    output: Literal["last", "sequence"] = Field(
        default="last", description="Predict from the last step (classification) or at every step."
    )
    out: Dim = Field(description="Output width (classes, symbols or features).")


class RimsModel(_SequenceModel):
    """Recurrent Independent Mechanisms: the cells are a gru/lstm ``mechanisms`` entry (count K,
    hidden), the input attention is a ``top_k`` router (k active cells); communication below."""

    kind: Literal["rims"] = Field(description="Recurrent Independent Mechanisms over a sequence.")
    cells: Name | None = Field(default=None, description="Which mechanisms entry (default: the first).")
    comm_heads: Count = Field(default=4, description="Heads of the attention among cells (communication).")
    comm_key_dim: Dim = Field(default=32, description="Key and query width of the communication attention.")
    comm_value_dim: Dim = Field(default=32, description="Value width of the communication attention.")


class LstmModel(_SequenceModel):
    """A single-layer LSTM baseline of the given hidden width."""

    kind: Literal["lstm"] = Field(description="An LSTM over a sequence (the RIMs baseline).")
    hidden: Dim = Field(description="Hidden state width.")




class ImageSpec(Spec):
    """The images a model reads and writes: ``channels`` x ``size`` x ``size``."""

    size: Annotated[int, Field(ge=4, le=1024)] = Field(default=32, description="Image height and width in pixels.")
    channels: Annotated[int, Field(ge=1, le=16)] = Field(default=3, description="Colour channels (3: RGB).")


class SlotVAEModel(Spec):
    """A slot VAE: CNN encoder grouped into slots (a Transformer with learned slot queries, or slot
    attention) -> per-slot Gaussian -> a decoder whose per-pixel queries only cross-attend to the slots
    (no self-attention among pixels).

    The number and width of the slots come from the top-level ``slots``. Outputs: ``recon`` (C, H, W),
    ``mu``, ``logvar`` and ``z`` (K, D), and ``attention`` (H*W, K): the decoder's cross-attention
    weights averaged over layers and summed over heads.
    """

    kind: Literal["slot_vae"] = Field(description="A slot VAE with a cross-attention decoder.")
    image: ImageSpec = Field(default=ImageSpec(), description="The images read and reconstructed.")
    cnn: tuple[Dim, ...] = Field(default=(32, 32, 64), min_length=1, max_length=8,
                                 description="Encoder CNN channel widths, one per conv layer.")
    strides: tuple[Annotated[int, Field(ge=1, le=4)], ...] = Field(
        default=(1, 2, 1), min_length=1, max_length=8, description="Stride of each conv layer.")
    kernel: Literal[1, 3, 5, 7, 9] = Field(default=3, description="Kernel size of every conv layer.")
    d_model: Dim = Field(default=64, description="Attention width: the encoder's tokens and slot queries, the "
                                                 "decoder's slots.")
    grouping: Literal["transformer", "slot_attention"] = Field(
        default="transformer", description="How the encoder forms slots from the image tokens: 'transformer' "
        "(K learned slot queries read the tokens; encoder_layers layers) or 'slot_attention' (slots drawn from "
        "one learned Gaussian compete for the tokens; iterations rounds).")
    encoder_layers: Annotated[int, Field(ge=1, le=32)] = Field(
        default=2, description="Transformer layers of the encoder (grouping: transformer).")
    iterations: Annotated[int, Field(ge=1, le=16)] = Field(
        default=3, description="Slot-attention iterations (grouping: slot_attention).")
    decoder_layers: Annotated[int, Field(ge=1, le=32)] = Field(default=2, description="Cross-attention layers "
                                                                                     "of the decoder.")
    heads: Annotated[int, Field(ge=1, le=64)] = Field(default=4, description="Attention heads in the encoder and "
                                                                             "decoder (d_model must divide by it).")
    query_dim: Dim = Field(default=64, description="Width of the decoder's per-pixel queries.")
    hidden: Dim = Field(default=64, description="Hidden width of the decoder's MLPs and feed-forward parts.")
    frequencies: Annotated[int, Field(ge=0, le=16)] = Field(
        default=6, description="Fourier frequencies of the pixel coordinates feeding the pixel queries.")
    logvar_init: Annotated[float, Field(ge=-20.0, le=5.0)] = Field(
        default=-4.0, description="Initial log-variance of the posterior (a narrow start lets the decoder read "
        "the slots early instead of the posterior collapsing to the prior).")

    @model_validator(mode="after")
    def _widths(self) -> "SlotVAEModel":
        if len(self.strides) != len(self.cnn):
            raise ValueError(f"strides has {len(self.strides)} entries but cnn has {len(self.cnn)}; give one per layer")
        for name, width in (("d_model", self.d_model),):
            if width % self.heads:
                raise ValueError(f"{name}={width} must be divisible by heads={self.heads}")
        return self


ModelKindSpec = Annotated[
    Union[CometModel, InteractionNetworkModel, HypernetworkModel, RimsModel, LstmModel, SlotVAEModel, GraphSpec],
    Field(discriminator="kind"),
]
