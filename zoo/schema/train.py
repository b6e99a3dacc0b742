"""Training procedures, discriminated on ``procedure``.

Every procedure shares the optimiser, schedule, length, batch, seed and bookkeeping fields of
:class:`TrainBase`; each adds its own fields. A family adds its procedure here and to ``TrainSpec``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, StringConstraints

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


ParamPrefix = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$", max_length=200),
    Field(description="A parameter name or a prefix of names ('embedding', 'hnet.bias', 'head')."),
]


class InnerLoopSpec(Spec):
    """The per-task adaptation: ``steps`` optimiser steps on the support shots."""

    optimizer: Literal["adamw", "sgd"] = Field(default="adamw", description="adamw (bias-corrected Adam) or plain SGD.")
    lr: PositiveFloat = 0.3
    steps: Steps = Field(default=10, le=1000)
    weight_decay: NonNegFloat = Field(default=0.0, description="Decoupled weight decay (adamw) / L2 (sgd).")


class MetaTrain(TrainBase):
    """Meta-learning: adapt the ``adapt`` parameters per task on support shots (inner loop), then
    update every parameter, including the adapted ones' initialisation, on the query loss of the
    adapted model (outer loop, through the inner loop unless ``first_order``).

    ``batch`` is the number of tasks per meta-batch. The loss is KL to soft labels (classification
    data) or MSE (regression data).
    """

    procedure: Literal["meta"]
    adapt: tuple[ParamPrefix, ...] = Field(
        min_length=1, max_length=64, description="Parameters adapted per task: names or name prefixes."
    )
    inner: InnerLoopSpec = InnerLoopSpec()
    first_order: bool = Field(default=False, description="Do not differentiate through the inner loop.")
    output: Name = Field(default="y", description="The model output compared with the targets.")
    eval_tasks: Count = Field(default=256, description="Tasks per evaluation split (in-distribution, OOD).")
    eval_steps: Steps | None = Field(default=None, le=1000, description="Inner steps at evaluation (default inner.steps).")


TrainSpec = Annotated[Union[SupervisedTrain, MetaTrain], Field(discriminator="procedure")]
