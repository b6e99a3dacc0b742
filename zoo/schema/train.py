"""Training procedures, discriminated on ``procedure``.

Every procedure shares the optimiser, schedule, length, batch, seed and bookkeeping fields of
:class:`TrainBase`; each adds its own fields. A family adds its procedure here and to ``TrainSpec``.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from zoo.schema.base import Count, Fraction, Name, NonNegFloat, PositiveFloat, Spec, Steps
from zoo.schema.data import DataInterface

Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]
Batch = Annotated[int, Field(ge=1, le=1_000_000)]


class TrainBase(Spec):
    """Fields every procedure has."""

    optimizer: Literal["adam", "adamw", "sgd"] = Field(default="adam", description="The optimiser (sgd with momentum 0.9).")
    lr: PositiveFloat = Field(default=1e-3, description="Learning rate (peak, with a schedule).")
    weight_decay: NonNegFloat = Field(default=0.0, description="Weight decay (decoupled for adamw).")
    schedule: Literal["constant", "cosine"] = Field(
        default="constant", description="Learning rate after the warm-up: constant, or a cosine decay to 0 at the last step.")
    warmup: Steps = Field(default=0, description="Linear learning-rate warm-up steps.")
    steps: Steps = Field(default=1000, description="Optimiser steps.")
    batch: Batch = Field(default=64, description="Examples per step (split over processes when distributed).")
    seed: Seed = Field(default=0, description="Seed of the data, the initial weights and the batches.")
    grad_clip: PositiveFloat | None = Field(default=1.0, description="Global gradient-norm clip.")
    eval_every: Steps = Field(default=0, description="Evaluate every N steps (0: only at the end).")
    checkpoint_every: Steps = Field(default=0, description="Checkpoint every N steps (0: only at the end).")
    log_every: Count = Field(default=10, description="Log the training loss every N steps.")
    precision: Literal["fp32", "bf16"] = Field(
        default="fp32", description="Arithmetic of the training step's forward pass and loss: fp32, or bf16 "
        "mixed precision (torch.autocast on CPU or CUDA; weights, gradients and evaluation stay fp32).")


class SupervisedTrain(TrainBase):
    """Fit the model's ``output`` to the data's targets."""

    reads: ClassVar[DataInterface] = "examples"

    procedure: Literal["supervised"] = Field(description="Fit an output to targets (RIMs, LSTM, regression).")
    loss: Literal["mse", "cross_entropy"] = Field(default="mse", description="The loss against the target.")
    output: Name = Field(default="y", description="Which model output is compared with the target.")
    fraction: Fraction = Field(
        default=1.0, description="Fraction of the training examples used: the first ceil(fraction * N) of the "
        "training split (at least one), for learning from little data.")
    pretrained: str | None = Field(
        default=None, max_length=1000, description="Weights to start from: a run directory or .safetensors file "
        "of a model of the same shapes (e.g. pre-trained on another task, then fine-tuned here).")


TrainSpec = SupervisedTrain
"""The procedures the spec language itself defines; the families register theirs (:mod:`zoo.schema.kinds`)."""


def window_steps(train) -> int | None:
    """The steps every training window of ``train`` spans, which the data's trajectories must hold: its
    ``horizon``; None where it has none, or with ``switch_rate`` (a window on a path is cut to the trajectories)."""
    return None if getattr(train, "switch_rate", None) else getattr(train, "horizon", None)
