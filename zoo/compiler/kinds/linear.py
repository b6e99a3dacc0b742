"""``linear``: an affine map over the last axis."""

from __future__ import annotations

from zoo.compiler.kinds._util import need, width
from zoo.compiler.registry import KindDef, Ports
from zoo.compiler.types import TensorType
from zoo.nn.mlp import Linear


def _infer(node, spec, types):
    x = need(types, "x", batched=None)
    return {"out": TensorType(x.shape[:-1] + (node.out,), x.batched)}


def _build(node, spec, types):
    return Linear(width(types["x"]), node.out, bias=node.bias)


KIND = KindDef("linear", lambda node, spec: Ports({"x": True}, ("out",)), _infer, _build)
