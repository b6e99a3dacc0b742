"""The explicit dataflow graph: nodes (discriminated on ``kind``), edges between named ports, outputs.

A family template (``model.kind: comet`` ...) writes these nodes for you; ``model.kind: graph`` lets
you write them yourself. ``zoo graph SPEC`` shows the nodes a template wrote.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import ConfigDict, Field, field_validator, model_validator

from zoo.schema.base import Activation, Dim, Hidden, Name, Spec
from zoo.schema.image_nodes import ReparameterizeNode, SlotDecoderNode, SlotEncoderNode
from zoo.schema.node import Node as _Node
from zoo.schema.parts import InteractionSpec

ChronoHorizon = Annotated[int, Field(ge=3, le=100_000)]  # chrono initialisation: the longest dependency in steps
PORT_REF = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$")


class InputNode(_Node):
    """A model input. ``shape`` excludes the batch dimension; null marks a free length (e.g. time)."""

    kind: Literal["input"] = Field(description="A model input (output port: out), fed by name to forward().")
    shape: tuple[Dim | None, ...] = Field(max_length=8, description="Shape without the batch axis; null for a "
                                          "free length, e.g. [null, 8] for sequences of 8 features.")
    dtype: Literal["float32", "int64"] = Field(default="float32", description="float32 values or int64 tokens.")


class ParameterNode(_Node):
    """A learned tensor with no inputs (e.g. an embedding initialisation)."""

    kind: Literal["parameter"] = Field(description="A learned tensor (output port: out), shared by the batch.")
    shape: tuple[Dim, ...] = Field(min_length=1, max_length=4, description="The tensor's shape (no batch axis).")
    init: Literal["zeros", "ones", "normal"] = Field(default="normal", description="Initial values.")
    scale: float = Field(default=1.0, ge=0.0, le=1e3, description="Multiplies the initial values.")


class LinearNode(_Node):
    """An affine map over the last dimension."""

    kind: Literal["linear"] = Field(description="An affine map (ports: x -> out).")
    out: Dim = Field(description="Output width.")
    bias: bool = Field(default=True, description="Add a learned bias.")


class MLPNode(_Node):
    """An MLP over the last dimension."""

    kind: Literal["mlp"] = Field(description="An MLP (ports: x -> out).")
    hidden: Hidden = (64,)
    out: Dim = Field(description="Output width.")
    activation: Activation = Field(default="relu", description="Activation between layers.")
    activate_output: bool = Field(
        default=False, description="Apply the activation after the last layer too (a feature extractor)."
    )


class ContextNode(_Node):
    """Gathers candidate context slots for every slot over an interaction graph.

    ``graph`` defaults to the spec's top-level ``interactions``.
    """

    kind: Literal["context"] = Field(description="Candidate contexts of every slot (ports: x -> ctx, index, mask).")
    graph: InteractionSpec | None = Field(default=None, description="The interaction graph (default: the "
                                                                    "top-level interactions).")


class MechanismBankNode(_Node):
    """Runs every mechanism of a bank (declared under ``mechanisms``) on its inputs."""

    kind: Literal["mechanism_bank"] = Field(description="Every mechanism of a bank (ports: state, context, "
                                            "external, task, as the bank's inputs say -> out).")
    bank: Name = Field(description="The mechanisms entry to run.")


class ResidualNode(_Node):
    """``base + delta``, broadcasting base over the extra (mechanism, context) axes of delta."""

    kind: Literal["residual"] = Field(description="base + delta (ports: base, delta -> out).")


class FeaturesNode(_Node):
    """Picks features of the last axis by ``index``; with ``place`` set, puts them back instead: the
    output has ``place`` features, the input's at ``index`` and zeros elsewhere."""

    kind: Literal["features"] = Field(description="Picks or places features (ports: x -> out).")
    index: tuple[Annotated[int, Field(ge=0, le=65535)], ...] = Field(
        min_length=1, max_length=4096, description="Feature indices of the last axis, in output order.")
    place: Dim | None = Field(default=None, description="Put the features back at 'index' in a vector this "
                                                        "wide (zeros elsewhere) instead of picking them.")

    @field_validator("index")
    @classmethod
    def _unique(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(v)) != len(v):
            raise ValueError(f"index must not repeat, got {list(v)}")
        return v


class ConcatNode(_Node):
    """Concatenates its inputs ``x0``, ``x1``, ... along ``axis`` (counted from the end when negative)."""

    kind: Literal["concat"] = Field(description="Joins tensors (ports: x0, x1, ... -> out).")
    inputs: Annotated[int, Field(ge=2, le=64)] = Field(description="Number of input ports x0 .. x{inputs-1}.")
    axis: Annotated[int, Field(ge=-8, le=7)] = Field(default=-1, description="Axis to join along, without the "
                                                                             "batch axis (negative: from the end).")


class RouterNode(_Node):
    """Scores or selects (mechanism, context) candidates with the spec's top-level ``router``."""

    kind: Literal["router"] = Field(description="Scores candidates (ports: x, ctx, mask, candidates -> logits, "
                                    "prediction).")


class HypernetworkNode(_Node):
    """Generates a target MLP's weights from a task embedding and runs it on ``x``."""

    kind: Literal["hypernetwork"] = Field(description="A generated MLP (ports: x, z -> out).")
    hypernetwork: Name = Field(description="The hypernetworks entry to run.")


class InteractionNetworkNode(_Node):
    """A monolithic interaction network: relational MLP over context pairs, summed, then an update MLP."""

    kind: Literal["interaction_network"] = Field(description="An interaction network (ports: x, ctx, mask -> out).")
    hidden: Hidden = (64, 64)
    activation: Activation = Field(default="relu", description="Activation of the relational and update MLPs.")


class EmbeddingNode(_Node):
    """Integer tokens -> learned vectors."""

    kind: Literal["embedding"] = Field(description="Token embedding (ports: x -> out).")
    vocab: Annotated[int, Field(ge=2, le=100_000)] = Field(description="Number of distinct tokens.")
    dim: Dim = Field(description="Width of each token's vector.")
    null_token: Annotated[int, Field(ge=0, le=99_999)] | None = Field(
        default=None, description="A token embedded as the zero vector, never trained (torch's padding_idx).")

    @model_validator(mode="after")
    def _null_token_in_vocab(self) -> "EmbeddingNode":
        check_null_token(self.null_token, self.vocab)
        return self


def check_null_token(null_token: int | None, vocab: int) -> None:
    """Raise ValueError unless ``null_token`` (when set) is one of the ``vocab`` tokens."""
    if null_token is not None and null_token >= vocab:
        raise ValueError(f"null_token={null_token} is not a token of vocab={vocab} (0..{vocab - 1})")


class RimsNode(_Node):
    """RIMs over a sequence (B, T, in): cells from a gru/lstm ``mechanisms`` entry, input attention
    from the top-level ``top_k`` router. Outputs ``seq`` (T, K*H), ``last`` (K*H,), ``active`` (T, K)."""

    kind: Literal["rims"] = Field(description="Recurrent Independent Mechanisms (ports: x -> seq, last, active).")
    cells: Name = Field(description="The gru or lstm mechanisms entry holding the cells.")
    comm_heads: Annotated[int, Field(ge=1, le=64)] = Field(default=4, description="Heads of the communication "
                                                                                  "attention among cells.")
    comm_key_dim: Dim = Field(default=32, description="Key and query width of the communication attention.")
    comm_value_dim: Dim = Field(default=32, description="Value width of the communication attention.")
    chrono: ChronoHorizon | None = Field(
        default=None, description="Chrono initialisation of the cells' gate biases (Tallec & Ollivier, 2018) for "
        "dependencies over up to this many steps, u ~ U[1, chrono - 1] per unit: GRU cells' update-gate biases "
        "log(u) (h' = (1 - z) n + z h, so an active cell keeps about 1 - 1/(1 + u) of its state per step); LSTM "
        "cells' forget-gate biases log(u), input-gate biases their negatives. Unset: PyTorch's initialisation "
        "(gates near 0.5, so what an active cell stores halves every step at first).")


class LstmNode(_Node):
    """A single-layer LSTM over a sequence. Outputs ``seq`` (T, H) and ``last`` (H,)."""

    kind: Literal["lstm"] = Field(description="An LSTM (ports: x -> seq, last).")
    hidden: Dim = Field(description="Hidden state width H.")
    chrono: ChronoHorizon | None = Field(
        default=None, description="Chrono initialisation of the gate biases (Tallec & Ollivier, 2018) for "
        "dependencies over up to this many steps: forget-gate biases log(u), u ~ U[1, chrono - 1], input-gate "
        "biases their negatives. Unset: PyTorch's initialisation (gates near 0.5, so what is stored halves "
        "every step at first).")


NodeSpec = Annotated[
    Union[
        InputNode,
        ParameterNode,
        LinearNode,
        MLPNode,
        ContextNode,
        MechanismBankNode,
        ResidualNode,
        FeaturesNode,
        ConcatNode,
        RouterNode,
        HypernetworkNode,
        InteractionNetworkNode,
        EmbeddingNode,
        RimsNode,
        LstmNode,
        SlotEncoderNode,
        ReparameterizeNode,
        SlotDecoderNode,
    ],
    Field(discriminator="kind"),
]


def _check_ref(v: str) -> str:
    if not PORT_REF.match(v):
        raise ValueError(f"expected 'node' or 'node.port', got {v!r}")
    return v


def _edge_json_schema(schema: dict) -> None:
    """In the JSON schema an edge is also the string ``'src -> dst'`` (the form specs usually use)."""
    obj = dict(schema)
    schema.clear()
    schema["anyOf"] = [{"type": "string", "pattern": r"^[^>]+->[^>]+$", "description": "'src -> dst'"}, obj]


class EdgeSpec(Spec):
    """Data flows from ``src`` ('node' or 'node.port') into ``dst`` ('node.port', or 'node')."""

    model_config = ConfigDict(json_schema_extra=_edge_json_schema)

    src: str = Field(description="Where data comes from: 'node' (its only output) or 'node.port'.")
    dst: str = Field(description="Where it goes: 'node.port', or 'node' for a node with one input port.")

    @model_validator(mode="before")
    @classmethod
    def _from_arrow(cls, data: object) -> object:
        if isinstance(data, str):
            parts = [p.strip() for p in data.split("->")]
            if len(parts) != 2:
                raise ValueError(f"an edge is 'src -> dst' or {{src: ..., dst: ...}}, got {data!r}")
            return {"src": parts[0], "dst": parts[1]}
        return data

    @field_validator("src", "dst")
    @classmethod
    def _refs(cls, v: str) -> str:
        return _check_ref(v)

    def split(self) -> tuple[tuple[str, str | None], tuple[str, str | None]]:
        """((src_node, src_port), (dst_node, dst_port)); ports are None when omitted."""
        a, b = PORT_REF.match(self.src), PORT_REF.match(self.dst)
        assert a and b
        return (a.group(1), a.group(2)), (b.group(1), b.group(2))


class GraphSpec(Spec):
    """An explicit dataflow graph."""

    kind: Literal["graph"] = Field(description="An explicit dataflow graph: nodes, edges, outputs.")
    nodes: tuple[NodeSpec, ...] = Field(min_length=1, max_length=512, description="The components, each with a "
                                        "name and a kind.")
    edges: tuple[EdgeSpec, ...] = Field(default=(), max_length=4096, description="The wiring: 'src -> dst' "
                                        "strings or {src, dst} mappings; every input port is fed exactly once.")
    outputs: dict[Name, str] = Field(
        min_length=1, description="Model outputs: output name -> 'node' or 'node.port'."
    )

    @field_validator("outputs")
    @classmethod
    def _output_refs(cls, v: dict[str, str]) -> dict[str, str]:
        for ref in v.values():
            _check_ref(ref)
        return v


__all__ = ["NodeSpec", "EdgeSpec", "GraphSpec", "PORT_REF"]
