"""``features``: select features of the last axis by index, or place them into a wider zero vector."""

from __future__ import annotations

from zoo.compiler.kinds._util import need, width
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType
from zoo.nn.features import Features


def _infer(node, spec, types):
    x = need(types, "x", batched=None)
    d = width(x)
    if node.place is None:
        if max(node.index) >= d:
            raise ShapeError(f"feature index {max(node.index)} is outside the input width {d} of {x}")
        return {"out": TensorType(x.shape[:-1] + (len(node.index),), x.batched, x.dtype)}
    if len(node.index) != d:
        raise ShapeError(f"placing {d} features needs {d} indices, got {len(node.index)}")
    if max(node.index) >= node.place:
        raise ShapeError(f"feature index {max(node.index)} is outside place={node.place}")
    return {"out": TensorType(x.shape[:-1] + (node.place,), x.batched, x.dtype)}


def _build(node, spec, types):
    return Features(node.index, node.place)


KIND = KindDef("features", lambda node, spec: Ports({"x": True}, ("out",)), _infer, _build)
