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


Side = Annotated[int, Field(ge=2, le=64)]


class SequentialDigitsData(Spec):
    """scikit-learn's bundled 8x8 digits, resized and binarised, fed pixel by pixel (row-major).

    Trained at ``train_size`` x ``train_size``; every size in ``test_sizes`` is a test split
    (``test_<size>``) built from the held-out images.
    """

    kind: Literal["sequential_digits"]
    train_size: Side = 14
    test_sizes: tuple[Side, ...] = Field(default=(16, 19, 24), max_length=8)
    threshold: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.5
    test_fraction: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.2
    limit: Annotated[int, Field(ge=20, le=1797)] | None = Field(
        default=None, description="Use only this many images (for quick runs)."
    )


class CopyingData(Spec):
    """The copying task: remember ``length`` symbols, wait ``delay`` blanks, then reproduce them.

    Tokens: 0..symbols-1 are symbols, then blank and the go marker. Trained at ``delay``; each delay
    in ``test_delays`` is a test split ``test_<delay>``.
    """

    kind: Literal["copying"]
    symbols: Annotated[int, Field(ge=2, le=64)] = 8
    length: Annotated[int, Field(ge=1, le=100)] = 10
    delay: Annotated[int, Field(ge=1, le=5000)] = 50
    test_delays: tuple[Annotated[int, Field(ge=1, le=5000)], ...] = Field(default=(200,), max_length=8)
    train_sequences: Samples = 4096
    test_sequences: Samples = 256


class BouncingBallsData(Spec):
    """Balls bouncing elastically in a box, rendered as small grey frames; predict the next frame.

    Trained with ``balls`` balls (a count is drawn per sequence); each count in ``test_balls`` is a
    test split ``test_<n>``.
    """

    kind: Literal["bouncing_balls"]
    balls: tuple[Annotated[int, Field(ge=1, le=12)], ...] = Field(default=(3, 4), min_length=1)
    test_balls: tuple[Annotated[int, Field(ge=1, le=12)], ...] = Field(default=(6,), max_length=8)
    size: Annotated[int, Field(ge=8, le=64)] = 16
    radius: PositiveFloat = 1.2
    speed: PositiveFloat = 0.6
    length: Annotated[int, Field(ge=3, le=500)] = 20
    train_sequences: Samples = 1024
    test_sequences: Samples = 128
    rollout: Annotated[int, Field(ge=1, le=200)] = 10


DataSpec = Annotated[
    Union[ParticlesData, SequentialDigitsData, CopyingData, BouncingBallsData], Field(discriminator="kind")
]
