"""``interaction_network``: the monolithic relational baseline; x (N, D), ctx, mask -> next state (N, D)."""

from __future__ import annotations

from zoo.compiler.kinds._util import need, width
from zoo.compiler.registry import KindDef, Ports
from zoo.compiler.types import TensorType
from zoo.nn.interaction_network import InteractionNetwork


def _infer(node, spec, types):
    x, ctx = need(types, "x", rank=2), need(types, "ctx", rank=3)
    return {"out": TensorType(x.shape)}


def _build(node, spec, types):
    d, dc = width(types["x"]), width(types["ctx"])
    return InteractionNetwork(d, dc, node.hidden, node.hidden[-1] if node.hidden else d, node.activation)


KIND = KindDef(
    "interaction_network",
    lambda node, spec: Ports({"x": True, "ctx": True, "mask": True}, ("out",)),
    _infer,
    _build,
)
