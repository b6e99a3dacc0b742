"""Training procedures, discriminated on ``procedure``.

Every procedure shares the optimiser, schedule, length, batch, seed and bookkeeping fields of
:class:`TrainBase`; each adds its own fields. A family adds its procedure here and to ``TrainSpec``.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Union

from pydantic import Field, StringConstraints, model_validator

from zoo.schema.base import Count, Name, NonNegFloat, PositiveFloat, Spec, Steps
from zoo.schema.data import DataInterface, DataSpec

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


Horizon = Annotated[int, Field(ge=1, le=1000)]
Fraction = Annotated[float, Field(gt=0.0, le=1.0)]


class _SlotDynamicsTrain(TrainBase):
    """Fields of the procedures that learn one-step dynamics on object-slot trajectories."""

    reads: ClassVar[DataInterface] = "trajectories"

    rollout: Annotated[int, Field(ge=1, le=10_000)] = Field(
        default=10, description="Steps of the open-loop rollout scored at evaluation."
    )
    fraction: Fraction = Field(
        default=1.0, description="Fraction of the training trajectories used (for adaptation curves)."
    )


def _context_per_step() -> bool:
    return Field(
        default=False,
        description="Over the horizon the winning mechanism stays the same but its context may change from step to "
        "step (the pair's error is its error at the first step plus its mechanism's best context error at each "
        "later step); false: one (mechanism, context) pair for the whole horizon.",
    )


def _select_on() -> str:
    return Field(
        default="steps",
        description="What the winning pair is chosen by: 'steps', its one-step errors averaged over the horizon; "
        "'change', the error of its one-step changes summed over the horizon against the observed change from the "
        "window's first to its last state (observation noise enters once, a wrong law's error grows with the "
        "horizon). Either way the winner learns from its one-step errors. 'change' keeps one context per horizon.",
    )


class _PairSelection(_SlotDynamicsTrain):
    """The fields that say how COMET's procedures pick the winning (mechanism, context) pair."""

    horizon: Horizon = Field(default=1, description="Steps H over which the winning pair is chosen.")
    context_per_step: bool = _context_per_step()
    select_on: Literal["steps", "change"] = _select_on()

    @model_validator(mode="after")
    def _one_context_for_change(self):
        if self.context_per_step and self.select_on == "change":
            raise ValueError("select_on: change keeps one context per horizon; set context_per_step: false")
        return self


class CompeteTrain(_PairSelection):
    """COMET's competition phase: only the best (mechanism, context) pair of each slot learns.

    The winner of a slot is the pair with the lowest error summed over ``horizon`` consecutive steps.
    During the first ``warm_start`` steps every pair gets gradient, weighted by a softmin whose
    temperature falls geometrically from ``temperature`` to ``final_temperature`` (relative to the
    batch's mean pair error); after it the winner takes all. A classifier router, when the model has
    one, is trained alongside on the winners (by NLL, without gradient into the bank).
    """

    procedure: Literal["compete"] = Field(description="COMET's competition phase (trains a bank).")
    warm_start: Steps = Field(default=0, description="Steps during which every pair gets gradient.")
    temperature: PositiveFloat = Field(default=1.0, description="Softmin temperature at step 0.")
    final_temperature: PositiveFloat = Field(
        default=0.01, description="Softmin temperature at the end of the warm start."
    )


class ComposeTrain(_PairSelection):
    """COMET's composition phase: the bank is frozen; a classifier over (mechanism, context) pairs is
    trained by NLL on the pairs that win over ``horizon`` steps, and at test time picks a pair from
    the current state alone."""

    procedure: Literal["compose"] = Field(description="COMET's composition phase (trains the selector).")


class FinetuneTrain(_SlotDynamicsTrain):
    """The monolithic baseline: fit the model's one-step ``prediction`` (MSE), first for
    ``pretrain_steps`` steps on the ``sources`` worlds, then on ``data`` (the target world) for the
    rest of ``steps`` (none when they are equal: pre-training only, evaluated on the target).

    ``pretrained`` starts from saved weights instead (a run directory or a .safetensors file),
    e.g. a source run reused for several adaptation sizes.
    """

    procedure: Literal["finetune"] = Field(description="Pre-train and fine-tune a monolithic baseline.")
    sources: tuple[DataSpec, ...] = Field(default=(), max_length=16, description="Source worlds to pre-train on.")
    pretrain_steps: Steps = Field(default=0, description="Steps on the sources before the target's steps.")
    pretrained: str | None = Field(
        default=None, max_length=1000, description="Weights to start from: a run directory or .safetensors file."
    )


ParamPrefix = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$", max_length=200),
    Field(description="A parameter name or a prefix of names ('embedding', 'hnet.bias', 'head')."),
]


class InnerLoopSpec(Spec):
    """The per-task adaptation: ``steps`` optimiser steps on the support shots."""

    optimizer: Literal["adamw", "sgd"] = Field(default="adamw", description="adamw (bias-corrected Adam) or plain SGD.")
    lr: PositiveFloat = Field(default=0.3, description="Inner learning rate.")
    steps: Steps = Field(default=10, le=1000, description="Inner steps per task.")
    weight_decay: NonNegFloat = Field(default=0.0, description="Decoupled weight decay (adamw) / L2 (sgd).")


class MetaTrain(TrainBase):
    """Meta-learning: adapt the ``adapt`` parameters per task on support shots (inner loop), then
    update every parameter, including the adapted ones' initialisation, on the query loss of the
    adapted model (outer loop, through the inner loop unless ``first_order``).

    ``batch`` is the number of tasks per meta-batch. The loss is KL to soft labels (classification
    data) or MSE (regression data).
    """

    reads: ClassVar[DataInterface] = "tasks"

    procedure: Literal["meta"] = Field(description="Meta-learning over tasks (hypernetworks, ANIL, MAML).")
    adapt: tuple[ParamPrefix, ...] = Field(
        min_length=1, max_length=64, description="Parameters adapted per task: names or name prefixes."
    )
    inner: InnerLoopSpec = Field(default=InnerLoopSpec(), description="The per-task adaptation.")
    first_order: bool = Field(default=False, description="Do not differentiate through the inner loop.")
    output: Name = Field(default="y", description="The model output compared with the targets.")
    eval_tasks: Count = Field(default=256, description="Tasks per evaluation split (in-distribution, OOD).")
    eval_steps: Steps | None = Field(default=None, le=1000, description="Inner steps at evaluation (default inner.steps).")



class VAETrain(TrainBase):
    """Train a slot VAE on images: ``sigma * sum (x - x_hat)^2 / B + beta * KL + alpha_t * L_int``.

    ``L_int`` is the mean over pixels of ``sum_{j<k} A_j A_k`` of the model's ``attention`` output;
    ``alpha_t`` ramps linearly from 0 at step ``alpha_start`` to ``alpha`` at ``alpha_start + alpha_ramp``,
    and ``beta_t`` from 0 at step 0 to ``beta`` at ``beta_ramp``.
    """

    reads: ClassVar[DataInterface] = "images"

    procedure: Literal["vae"] = Field(description="Train a slot VAE on images.")
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


TrainSpec = Annotated[
    Union[SupervisedTrain, CompeteTrain, ComposeTrain, FinetuneTrain, MetaTrain, VAETrain],
    Field(discriminator="procedure"),
]
