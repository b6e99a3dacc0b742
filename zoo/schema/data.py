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


SpriteShape = Literal["square", "triangle", "circle"]


class SpritesData(Spec):
    """Images of 2-D sprites on a black background, with per-object masks and ground-truth latents.

    Each image holds between ``min_objects`` and ``max_objects`` shapes drawn in order (later ones
    occlude earlier ones), each with a random shape, position, scale (half its side, as a fraction of
    the image side) and hue (full saturation and value).
    """

    kind: Literal["sprites"]
    size: Annotated[int, Field(ge=8, le=256, description="Image height and width in pixels.")] = 32
    min_objects: Count = 2
    max_objects: Count = 4
    shapes: tuple[SpriteShape, ...] = Field(default=("square", "triangle", "circle"), min_length=1)
    min_scale: Annotated[float, Field(gt=0.0, le=0.5)] = 0.1
    max_scale: Annotated[float, Field(gt=0.0, le=0.5)] = 0.16
    max_overlap: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.2,
        description="Centres are at least (1 - max_overlap) x the sum of the two scales apart "
        "(1: anything goes; re-drawn up to 50 times).",
    )
    images: Samples = 8192
    test_images: Samples = 512


DataSpec = Annotated[Union[ParticlesData, SpritesData], Field(discriminator="kind")]
