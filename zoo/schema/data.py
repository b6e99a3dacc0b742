"""Data: which synthetic environment generates the training data, and its parameters.

Discriminated on ``kind``; every environment is generated offline from the run's seed and carries
ground truth. A family adds its environments here and to ``DataSpec``.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Union

from pydantic import Field

from zoo.schema.base import NonNegFloat, PositiveFloat, Spec
from zoo.schema.datafiles import ImagesFile, SequencesFile, TasksFile, TrajectoriesFile

Samples = Annotated[int, Field(ge=1, le=10_000_000)]
Length = Annotated[int, Field(ge=2, le=100_000, description="Steps per trajectory.")]


DataInterface = Literal["trajectories", "images", "tasks", "examples"]
"""What an environment gives a procedure: object-slot trajectories, images, few-shot tasks, or
examples (named inputs with a target)."""


class TrajectoryData(Spec):
    """Fields shared by the object-slot trajectory environments (COMET's worlds).

    A world's slots are fixed by its parameters: :meth:`slot_count` slots of ``len(FEATURES)`` features.
    """

    provides: ClassVar[DataInterface] = "trajectories"
    FEATURES: ClassVar[tuple[str, ...]] = ()
    OBJECTS: ClassVar[str] = ""  # how the number of objects follows from the fields, for messages

    length: Length = 30
    trajectories: Samples = Field(default=256, description="Training trajectories.")
    test_trajectories: Samples = Field(default=64, description="Held-out trajectories for evaluation.")
    dt: PositiveFloat = Field(default=0.05, description="Integration time step.")
    noise: NonNegFloat = Field(default=0.0, description="Std of Gaussian noise added to observed states.")

    def slot_count(self) -> int:
        """The number of objects (slots) in every state of this world."""
        raise NotImplementedError


class RegressionData(Spec):
    """Fit a random teacher network: inputs ``x`` in [-1, 1], targets from a seeded tanh MLP (+ noise)."""

    provides: ClassVar[DataInterface] = "examples"

    kind: Literal["regression"] = Field(description="Regression on a random teacher network (input x, target).")
    inputs: Annotated[int, Field(ge=1, le=256)] = Field(default=4, description="Width of x.")
    outputs: Annotated[int, Field(ge=1, le=256)] = Field(default=1, description="Width of the target.")
    hidden: Annotated[int, Field(ge=1, le=1024)] = Field(default=16, description="Hidden width of the teacher.")
    samples: Annotated[int, Field(ge=1, le=1_000_000)] = Field(default=1024, description="Training examples.")
    test_samples: Annotated[int, Field(ge=1, le=1_000_000)] = Field(default=256, description="Test examples.")
    noise: NonNegFloat = Field(default=0.0, description="Std of Gaussian noise added to the targets.")


DataSpec = Annotated[
    Union[RegressionData, TrajectoriesFile, ImagesFile, SequencesFile, TasksFile],
    Field(discriminator="kind"),
]
"""The data kinds the spec language itself defines; the families register their worlds (:mod:`zoo.schema.kinds`)."""
