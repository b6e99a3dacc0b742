"""Data: which synthetic environment generates the training data, and its parameters.

Discriminated on ``kind``; every environment is generated offline from the run's seed and carries
ground truth. A family adds its environments here and to ``DataSpec``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from zoo.schema.base import Count, NonNegFloat, PositiveFloat, Spec

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


class RegressionData(Spec):
    """Fit a random teacher network: inputs ``x`` in [-1, 1], targets from a seeded tanh MLP (+ noise)."""

    kind: Literal["regression"]
    inputs: Annotated[int, Field(ge=1, le=256)] = 4
    outputs: Annotated[int, Field(ge=1, le=256)] = 1
    hidden: Annotated[int, Field(ge=1, le=1024)] = 16
    samples: Annotated[int, Field(ge=1, le=1_000_000)] = 1024
    test_samples: Annotated[int, Field(ge=1, le=1_000_000)] = 256
    noise: NonNegFloat = 0.0


DataSpec = Annotated[Union[ParticlesData, RegressionData], Field(discriminator="kind")]
