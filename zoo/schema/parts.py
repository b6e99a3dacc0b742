"""Reusable parts of a model spec: slots, mechanism banks, hypernetworks, interaction graphs (routers:
:mod:`zoo.schema.routers`).

Parts are declared once at the top level of a spec and used by name from graph nodes (or by a family
template). Each union is discriminated on ``kind``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from zoo.schema.base import (
    Activation,
    Count,
    Dim,
    Hidden,
    Name,
    Spec,
    WeightsPin,
    weights_pin,
)

BankInput = Literal["self", "context", "external", "task"]


class SlotsSpec(Spec):
    """Object slots: ``count`` slots of ``dim`` features each."""

    count: Count = Field(description="Number of slots N (objects).")
    dim: Dim = Field(description="Features per slot D.")


class _BankBase(Spec):
    name: Name = Field(description="The bank's name: the model and graph nodes refer to it by this name.")
    count: Count = Field(description="Number of independent mechanisms M in the bank.")
    inputs: tuple[BankInput, ...] = Field(
        default=("self",),
        min_length=1,
        description="What each mechanism reads, concatenated in this order.",
    )
    output: Dim | None = Field(
        default=None, description="Output width; defaults to the width of the 'self' input."
    )
    source: str | None = Field(
        default=None,
        max_length=1000,
        description="Load trained weights from a bank: a local directory or 'hf://org/name@revision'.",
    )
    frozen: bool = Field(default=False, description="Exclude the bank's weights from training.")
    relative: tuple[Annotated[int, Field(ge=0, le=65535)], ...] | None = Field(
        default=None, min_length=1, max_length=64,
        description="Features of the 'self' input (e.g. the position's, [0, 1]) that the mechanisms read relative to "
        "the slot: each context's value minus the slot's (zero for 'no context'), and not the slot's own value, so "
        "a mechanism cannot tell where on the plane an interaction happens. Needs 'self' and 'context' among the "
        "inputs. Default: every feature as it is.")

    @field_validator("inputs")
    @classmethod
    def _unique_inputs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(v)) != len(v):
            raise ValueError(f"inputs must not repeat, got {list(v)}")
        return v

    @model_validator(mode="after")
    def _relative_needs_self_and_context(self):
        if self.relative is not None:
            if not {"self", "context"} <= set(self.inputs):
                raise ValueError("relative reads contexts relative to the slot: inputs must hold 'self' and 'context'")
            if len(set(self.relative)) != len(self.relative):
                raise ValueError(f"relative must not repeat, got {list(self.relative)}")
        return self


class _Normalized(_BankBase):
    normalize: Literal["auto", "state", "change", "output"] | None = Field(
        default=None, description="Read and write in the data's units, measured on the training data when training "
        "starts and saved with the bank. 'auto' (the catalogue's COMET specs) reads data in units like the "
        "catalogue's exactly as it is, and data in units far from them as if converted: one factor for every feature "
        "read brings their overall spread (root-mean-square standard deviation) into [0.5, 2], and one more for what "
        "is written brings the one-step change into [0.01, 0.1]. 'state' divides each feature the mechanisms read by "
        "its spread (standard deviation) and multiplies each change they write by it; 'change' reads the same way and "
        "writes changes times the feature's typical one-step change (root mean square); 'output' reads the features "
        "as they are and writes changes times the spread. With 'state' or 'change' a world in other units trains as "
        "one in the catalogue's ('change': also one with another time step); 'output' suffices down to about a tenth "
        "of its units. COMET's procedures measure the scales; needs 'context' among the inputs and reads only 'self' "
        "and 'context' (COMET's mechanisms). Default: features as they are.")

    @model_validator(mode="after")
    def _normalize_reads_slots(self):
        if self.normalize is not None and not ("context" in self.inputs and set(self.inputs) <= {"self", "context"}):
            raise ValueError("normalize scales slot features: inputs must hold 'context' and at most 'self' besides")
        return self


class MLPBankSpec(_Normalized):
    """M independent MLPs, run as grouped weights."""

    kind: Literal["mlp"] = Field(description="A bank of MLP mechanisms.")
    hidden: Hidden = (64,)
    activation: Activation = Field(default="relu", description="Activation between the hidden layers.")


class LinearBankSpec(_Normalized):
    """M independent affine maps."""

    kind: Literal["linear"] = Field(description="A bank of affine mechanisms.")


class GRUBankSpec(_BankBase):
    """M independent GRU cells; the 'self' input is the cell's hidden state."""

    kind: Literal["gru"] = Field(description="A bank of GRU cells (the cells of RIMs).")
    hidden: Dim = Field(description="Hidden state width of each cell.")


class LSTMBankSpec(_BankBase):
    """M independent LSTM cells; the 'self' input is the state [h, c] (width 2 x hidden)."""

    kind: Literal["lstm"] = Field(description="A bank of LSTM cells (the cells of RIMs).")
    hidden: Dim = Field(description="Hidden state width h of each cell (the state [h, c] is 2 x hidden wide).")


class PretrainedBankSpec(Spec):
    """A bank whose structure and weights both come from ``source`` (resolved when compiling)."""

    name: Name
    kind: Literal["pretrained"] = Field(description="A trained bank, loaded whole from its source.")
    source: str = Field(max_length=1000, description="A bank directory or 'hf://org/name@revision'.")
    frozen: bool = Field(default=True, description="Exclude the bank's weights from training.")
    sha256: WeightsPin = weights_pin()


MechanismBankSpec = Annotated[
    Union[MLPBankSpec, LinearBankSpec, GRUBankSpec, LSTMBankSpec, PretrainedBankSpec],
    Field(discriminator="kind"),
]


class TargetNetSpec(Spec):
    """The target MLP whose weights a hypernetwork generates (layers compute ``x W / sqrt(fan_in)``)."""

    input: Dim = Field(description="Width of the target network's input x.")
    hidden: Hidden = (32,)
    output: Dim = Field(description="Width of the target network's output.")
    activation: Activation = Field(default="relu", description="Activation between the target's layers.")


LayerIndex = Annotated[int, Field(ge=0, le=64)]


class _HypernetworkBase(Spec):
    name: Name = Field(description="The hypernetwork's name: the model and graph nodes refer to it by this name.")
    templates: Count = Field(description="Number of templates K (the task embedding's width).")
    target: TargetNetSpec = Field(description="The target MLP whose weights are generated.")
    generated: tuple[LayerIndex, ...] | None = Field(
        default=None,
        min_length=1,
        description="Target layers whose weights the embedding generates (0 reads the input; default: "
        "all). The others are ordinary weights shared by every task.",
    )
    normalize: bool = Field(default=True, description="Rescale the embedding (each row) to norm sqrt(K).")
    per_layer: bool = Field(
        default=False, description="One embedding row z_l (K,) per generated layer instead of one z shared by all."
    )

    @model_validator(mode="after")
    def _layers_exist(self):
        layers = len(self.target.hidden) + 1
        if self.generated is not None:
            if any(g >= layers for g in self.generated):
                raise ValueError(f"generated layers must be in 0..{layers - 1}, got {list(self.generated)}")
            if len(set(self.generated)) != len(self.generated):
                raise ValueError(f"generated layers must not repeat, got {list(self.generated)}")
        return self

    def generated_layers(self) -> list[int]:
        """The generated layer indices, sorted (all layers when ``generated`` is omitted)."""
        every = range(len(self.target.hidden) + 1)
        return sorted(set(every if self.generated is None else self.generated))


class LinearHypernetworkSpec(_HypernetworkBase):
    """``W_l(z) = sum_k z_k Theta_{l,k}`` for every generated target layer l (no bias); with
    ``per_layer``, ``W_l = sum_k z_{l,k} Theta_{l,k}``. The output passes a per-unit gain and bias."""

    kind: Literal["linear"] = Field(description="Weights linear in the embedding: a weighted sum of templates.")


class MLPHypernetworkSpec(_HypernetworkBase):
    """A small MLP from the (flattened) task embedding to the weights of every generated layer."""

    kind: Literal["mlp"] = Field(description="Weights from the embedding through a small MLP.")
    hidden: Hidden = (64,)
    activation: Activation = Field(default="relu", description="Activation of the hypernetwork's MLP.")


HypernetworkSpec = Annotated[
    Union[LinearHypernetworkSpec, MLPHypernetworkSpec], Field(discriminator="kind")
]


class _GraphBase(Spec):
    self_loops: bool = Field(default=False, description="A slot may be its own context.")
    no_context: bool = Field(default=True, description="Offer a 'no context' candidate too.")


class CompleteGraphSpec(_GraphBase):
    """Every slot may take every other slot as context."""

    kind: Literal["complete"] = Field(description="Every other slot is a candidate context.")


class KnnGraphSpec(_GraphBase):
    """Each slot takes its k nearest slots (by the position features) as candidate contexts."""

    kind: Literal["knn"] = Field(description="The k nearest slots are the candidate contexts.")
    k: Count = Field(description="Candidate contexts per slot, nearest first.")
    position: tuple[Annotated[int, Field(ge=0)], ...] = Field(
        default=(0, 1), min_length=1, description="Indices of the slot features that are positions."
    )


class EdgesGraphSpec(_GraphBase):
    """Explicit directed edges [source, target]: the source slot is a candidate context of the target."""

    kind: Literal["edges"] = Field(description="Candidate contexts listed edge by edge.")
    edges: tuple[tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]], ...] = Field(
        description="Pairs [source, target] of slot indices: the source is a candidate context of the target.")


class NoGraphSpec(_GraphBase):
    """No slot-to-slot context at all (only 'no context', and self loops if asked)."""

    kind: Literal["none"] = Field(description="No slot is another's context.")


InteractionSpec = Annotated[
    Union[CompleteGraphSpec, KnnGraphSpec, EdgesGraphSpec, NoGraphSpec], Field(discriminator="kind")
]
