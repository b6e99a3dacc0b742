"""``parameter``: a learned tensor with no batch axis."""

from __future__ import annotations

from zoo.compiler.registry import KindDef, Ports
from zoo.compiler.types import TensorType
from zoo.nn.residual import FreeParameter


def _build(node, spec, types):
    return FreeParameter(tuple(node.shape), node.init, node.scale)


KIND = KindDef(
    kind="parameter",
    ports=lambda node, spec: Ports({}, ("out",)),
    infer=lambda node, spec, types: {"out": TensorType(tuple(node.shape), batched=False)},
    build=_build,
)
