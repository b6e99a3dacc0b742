"""The graph nodes of image models: the slot encoder, the reparameterisation and the slot decoder."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from zoo.schema.base import Dim
from zoo.schema.node import Node


class SlotEncoderNode(Node):
    """Image (C, H, W) -> ``mu``, ``logvar`` (K, D) for the spec's top-level ``slots``.

    A CNN (one conv per ``cnn`` width, with its ``strides`` entry), a learned positional embedding, then
    either ``layers`` Transformer layers in which K learned slot queries attend to each other and read the
    tokens (``grouping: transformer``), or ``iterations`` rounds of slot attention (``grouping:
    slot_attention``).
    """

    kind: Literal["slot_encoder"] = Field(description="Image to slot posteriors (ports: image -> mu, logvar).")
    cnn: tuple[Dim, ...] = Field(default=(32, 32, 64), min_length=1, max_length=8,
                                 description="Channel widths, one per conv layer.")
    strides: tuple[Annotated[int, Field(ge=1, le=4)], ...] = Field(
        default=(1, 2, 1), min_length=1, max_length=8, description="Stride of each conv layer.")
    kernel: Literal[1, 3, 5, 7, 9] = Field(default=3, description="Kernel size of every conv layer.")
    d_model: Dim = Field(default=64, description="Width of the tokens and slot queries.")
    grouping: Literal["transformer", "slot_attention"] = Field(
        default="transformer", description="Learned slot queries in a Transformer, or slot attention.")
    layers: Annotated[int, Field(ge=1, le=32)] = Field(default=2, description="Transformer layers (grouping: "
                                                                             "transformer).")
    iterations: Annotated[int, Field(ge=1, le=16)] = Field(default=3, description="Slot-attention rounds "
                                                                                  "(grouping: slot_attention).")
    heads: Annotated[int, Field(ge=1, le=64)] = Field(default=4, description="Attention heads (d_model must "
                                                                             "divide by it).")
    logvar_init: Annotated[float, Field(ge=-20.0, le=5.0)] = Field(
        default=-4.0, description="Initial log-variance of the posterior (a narrow start lets the decoder read "
        "the slots early instead of the posterior collapsing to the prior).")

    @model_validator(mode="after")
    def _widths(self) -> "SlotEncoderNode":
        if len(self.strides) != len(self.cnn):
            raise ValueError(f"strides has {len(self.strides)} entries but cnn has {len(self.cnn)}; give one per layer")
        if self.d_model % self.heads:
            raise ValueError(f"d_model={self.d_model} must be divisible by heads={self.heads}")
        return self


class ReparameterizeNode(Node):
    """``z = mu + exp(logvar / 2) * eps`` (eps ~ N(0, I)) in training; ``z = mu`` in eval mode."""

    kind: Literal["reparameterize"] = Field(description="Samples the slots (ports: mu, logvar -> z).")


class SlotDecoderNode(Node):
    """Slots z (K, D) -> image (C, H, W) and attention (H*W, K).

    Each pixel's query (Fourier features of its coordinates through an MLP) cross-attends to the slots in
    ``layers`` cross-attention-only layers, then an MLP gives its colour. ``attention`` is the
    cross-attention weights averaged over layers and summed over heads (each row sums to ``heads``).
    """

    kind: Literal["slot_decoder"] = Field(description="Slots to image (ports: z -> recon, attention).")
    size: Annotated[int, Field(ge=4, le=1024)] = Field(default=32, description="Output image height and width.")
    channels: Annotated[int, Field(ge=1, le=16)] = Field(default=3, description="Output colour channels.")
    d_model: Dim = Field(default=64, description="Attention width (the slots are projected to it).")
    query_dim: Dim = Field(default=64, description="Width of the per-pixel queries.")
    hidden: Dim = Field(default=64, description="Hidden width of the MLPs.")
    layers: Annotated[int, Field(ge=1, le=32)] = Field(default=2, description="Cross-attention layers.")
    heads: Annotated[int, Field(ge=1, le=64)] = Field(default=4, description="Attention heads (d_model must "
                                                                             "divide by it).")
    frequencies: Annotated[int, Field(ge=0, le=16)] = Field(default=6, description="Fourier frequencies of the "
                                                                                   "pixel coordinates.")

    @model_validator(mode="after")
    def _heads(self) -> "SlotDecoderNode":
        if self.d_model % self.heads:
            raise ValueError(f"d_model={self.d_model} must be divisible by heads={self.heads}")
        return self
