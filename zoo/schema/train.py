"""Training procedures, discriminated on ``procedure``.

Every procedure shares the optimiser, schedule, length, batch, seed and bookkeeping fields of
:class:`TrainBase`; each adds its own fields. A family adds its procedure here and to ``TrainSpec``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from zoo.schema.base import Count, Name, NonNegFloat, PositiveFloat, Spec, Steps

Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]
Batch = Annotated[int, Field(ge=1, le=1_000_000)]


class TrainBase(Spec):
    """Fields every procedure has."""

    optimizer: Literal["adam", "adamw", "sgd"] = "adam"
    lr: PositiveFloat = 1e-3
    weight_decay: NonNegFloat = 0.0
    schedule: Literal["constant", "cosine"] = "constant"
    warmup: Steps = Field(default=0, description="Linear learning-rate warm-up steps.")
    steps: Steps = 1000
    batch: Batch = 64
    seed: Seed = 0
    grad_clip: PositiveFloat | None = Field(default=1.0, description="Global gradient-norm clip.")
    eval_every: Steps = Field(default=0, description="Evaluate every N steps (0: only at the end).")
    checkpoint_every: Steps = Field(default=0, description="Checkpoint every N steps (0: only at the end).")
    log_every: Count = 10


class SupervisedTrain(TrainBase):
    """Fit the model's ``output`` to the data's targets."""

    procedure: Literal["supervised"]
    loss: Literal["mse", "cross_entropy"] = "mse"
    output: Name = Field(default="y", description="Which model output is compared with the target.")


class VAETrain(TrainBase):
    """Train a slot VAE on images: ``sigma * sum (x - x_hat)^2 / B + beta * KL + alpha_t * L_int``.

    ``L_int`` is the mean over pixels of ``sum_{j<k} A_j A_k`` of the model's ``attention`` output;
    ``alpha_t`` ramps linearly from 0 at step ``alpha_start`` to ``alpha`` at ``alpha_start + alpha_ramp``,
    and ``beta_t`` from 0 at step 0 to ``beta`` at ``beta_ramp``.
    """

    procedure: Literal["vae"]
    sigma: NonNegFloat = Field(default=1.0, description="Weight of the summed squared reconstruction error.")
    beta: NonNegFloat = Field(default=0.05, description="Weight of the KL divergence to N(0, I).")
    beta_ramp: Steps = Field(default=0, description="Steps over which beta ramps linearly from 0 (KL warm-up).")
    alpha: NonNegFloat = Field(default=0.0, description="Weight of the interaction regulariser (0: off).")
    alpha_start: Steps = Field(default=0, description="Step at which the alpha ramp begins (alpha is 0 before).")
    alpha_ramp: Steps = Field(default=0, description="Steps over which alpha ramps linearly from 0.")
    eval_images: Count = Field(default=256, description="Test images for reconstruction error and attention ARI.")
    jacobian_images: Count = Field(default=32, description="Test images whose decoder Jacobian gives JIS and J-ARI.")
    jacobian_chunk: Count = Field(default=256, description="Pixels per Jacobian evaluation (bounds memory).")
    plot_images: Annotated[int, Field(ge=0, le=32)] = Field(default=6, description="Examples in the figure.")


TrainSpec = Annotated[Union[SupervisedTrain, VAETrain], Field(discriminator="procedure")]
