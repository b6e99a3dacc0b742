"""The hypernetwork family's spec models: the hypernetwork model kind, the hyperteacher world and
the meta-learning procedure (with its MAML/ANIL inner loop)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from zoo.schema.base import Count, Dim, Hidden, Name, NonNegFloat, PositiveFloat, Probability, Spec, Steps
from zoo.schema.data import DataInterface
from zoo.schema.train import TrainBase


class HypernetworkModel(Spec):
    """A hypernetwork generates a target MLP from a task embedding ``z`` (an input of the model)."""

    kind: Literal["hypernetwork"] = Field(description="A hypernetwork-generated MLP.")
    hypernetwork: Name | None = Field(
        default=None, description="Which hypernetworks entry (default: the first)."
    )


TaskSupport = Literal["random", "non_compositional", "connected", "disconnected"]


LayerIndex = Annotated[int, Field(ge=0, le=32)]


class HyperteacherData(Spec):
    """A modular teacher: task embeddings (k-hot expert combinations per generated layer) generate
    the weights of a target MLP ``input -> hidden... -> output`` (layers ``x W / sqrt(fan_in)``, ReLU).

    Each task is a support set and a query set of inputs ``x ~ U[-1, 1]^input`` with the teacher's
    outputs, z-scored per task on ``reference`` fixed inputs. In classification mode the targets are
    ``softmax(y / temperature)`` (soft labels, KL loss); in regression mode the z-scored outputs (MSE).
    ``support`` decides which expert combinations are seen in training; the rest are the
    out-of-distribution (OOD) tasks.
    """

    provides: ClassVar[DataInterface] = "tasks"

    kind: Literal["hyperteacher"] = Field(description="Few-shot tasks from a modular teacher (hypernetworks).")
    input: Dim = Field(default=16, description="Width of the inputs x.")
    hidden: Hidden = Field(default=(32,), min_length=1, description="Hidden widths of the teacher's target MLP.")
    output: Dim = Field(default=8, description="Width of the outputs (classes).")
    experts: Count = Field(default=8, description="Number of expert templates E per generated layer.")
    hot: Count = Field(default=2, description="A task combines 1 to 'hot' experts in each generated layer.")
    generated: tuple[LayerIndex, ...] = Field(
        default=(0,),
        min_length=1,
        max_length=4,
        description="Indices of the layers the embedding generates (0 maps the input); the others are fixed.",
    )
    mode: Literal["classification", "regression"] = Field(default="classification", description="Soft labels "
                                                          "(KL loss) or z-scored outputs (MSE).")
    temperature: PositiveFloat = Field(default=0.1, description="Soft-target temperature (classification).")
    support: TaskSupport = Field(
        default="random",
        description=(
            "random: hold out a fraction of all combinations; non_compositional: hold out every task "
            "using the last expert; connected: one-hots and pairs (i, i+1), (i, i+2) mod E; "
            "disconnected: combinations within {0..E/2-1} or within {E/2..E-1}. Connected and "
            "disconnected share the same OOD tasks (everything in neither)."
        ),
    )
    holdout: Probability = Field(default=0.25, description="Fraction held out by the random support.")
    continuous: bool = Field(
        default=False, description="Weight each active expert by U(0.5, 1) per task instead of 1."
    )
    support_shots: Count = Field(default=128, description="Labelled shots the inner loop adapts on.")
    query_shots: Count = Field(default=128, description="Shots the adapted model is scored on.")
    scale: PositiveFloat = Field(default=1.0, description="Standard deviation of the teacher's weights.")
    reference: Count = Field(default=1000, description="Fixed inputs on which outputs are z-scored.")


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
    task_chunk: Count | None = Field(
        default=None,
        description=(
            "Tasks adapted and back-propagated at once in a training step (null: all 'batch' tasks). The meta-batch "
            "runs chunk by chunk, each chunk's share of the mean query loss back-propagated before the next, so "
            "the step's activation memory scales with the chunk, not the batch; the meta-gradient is the same."
        ),
    )
