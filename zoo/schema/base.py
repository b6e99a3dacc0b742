"""Shared building blocks of the spec language: the frozen base model and bounded field types."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from zoo.schema.reserved import check_not_reserved

# Bounds keep absurd specs (count: 10**12) from reaching an allocator.
MAX_COUNT = 4096
MAX_DIM = 65536
MAX_STEPS = 10**9


class Spec(BaseModel):
    """Base of every spec model: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


Name = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", min_length=1, max_length=64),
    AfterValidator(check_not_reserved),  # not a Python keyword nor an attribute of the compiled module
    Field(description="An identifier: letters, digits and underscores, not starting with a digit."),
]
SpecName = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", min_length=1, max_length=96),
    Field(description="The spec's name: letters, digits, '-', '_' and '.'."),
]
Count = Annotated[int, Field(ge=1, le=MAX_COUNT)]
Dim = Annotated[int, Field(ge=1, le=MAX_DIM)]
Steps = Annotated[int, Field(ge=0, le=MAX_STEPS)]
Fraction = Annotated[float, Field(gt=0.0, le=1.0)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0, le=1e6)]
NonNegFloat = Annotated[float, Field(ge=0.0, le=1e6)]
Hidden = Annotated[tuple[Dim, ...], Field(max_length=32, description="Hidden layer widths.")]
WeightsPin = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None


def weights_pin() -> Any:
    """The ``sha256`` field of a pretrained bank: the digest of its weights it must have."""
    return Field(default=None, description="Pins the bank: the sha256 of its model.safetensors, as its spec.json "
                 "records it (files). A source whose weights differ (rebuilt, replaced, another revision) is refused.")

Activation = Literal["relu", "gelu", "tanh", "silu", "elu", "leaky_relu", "sigmoid", "identity"]
