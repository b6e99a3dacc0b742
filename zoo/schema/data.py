"""Data: which synthetic environment generates the training data, and its parameters.

Discriminated on ``kind``; every environment is generated offline from the run's seed and carries
ground truth. A family adds its environments here and to ``DataSpec``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from zoo.schema.base import Count, Dim, Hidden, NonNegFloat, PositiveFloat, Probability, Spec

Samples = Annotated[int, Field(ge=1, le=10_000_000)]

ParticleInteraction = Literal["spring", "attraction", "repulsion", "none"]


class ParticlesData(Spec):
    """2-D particles in a box; each particle is driven by at most one partner per step."""

    kind: Literal["particles"]
    objects: Count = 4
    types: tuple[ParticleInteraction, ...] = Field(
        default=("spring", "attraction", "repulsion", "none"), min_length=1
    )
    mix: tuple[NonNegFloat, ...] | None = Field(
        default=None, description="Relative frequency of each entry of 'types' (uniform if omitted)."
    )
    strength: PositiveFloat = 1.0
    box: PositiveFloat = 1.0
    dt: PositiveFloat = 0.05
    length: Count = 20
    trajectories: Samples = 512
    test_trajectories: Samples = 128
    noise: NonNegFloat = 0.0


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

    kind: Literal["hyperteacher"]
    input: Dim = 16
    hidden: Hidden = Field(default=(32,), min_length=1)
    output: Dim = 8
    experts: Count = Field(default=8, description="Number of expert templates E per generated layer.")
    hot: Count = Field(default=2, description="A task combines 1 to 'hot' experts in each generated layer.")
    generated: tuple[LayerIndex, ...] = Field(
        default=(0,),
        min_length=1,
        max_length=4,
        description="Indices of the layers the embedding generates (0 maps the input); the others are fixed.",
    )
    mode: Literal["classification", "regression"] = "classification"
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


DataSpec = Annotated[Union[ParticlesData, HyperteacherData], Field(discriminator="kind")]
