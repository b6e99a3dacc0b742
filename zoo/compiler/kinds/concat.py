"""``concat``: join inputs ``x0 .. x{n-1}`` along one axis (e.g. mechanisms of several banks)."""

from __future__ import annotations

from zoo.compiler.kinds._util import need
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType, compatible
from zoo.nn.features import Concat


def _ports(node, spec):
    return Ports({f"x{k}": True for k in range(node.inputs)}, ("out",))


def _infer(node, spec, types):
    parts = [need(types, f"x{k}", batched=None) for k in range(node.inputs)]
    rank = len(parts[0].shape)
    if not -rank <= node.axis < rank:
        raise ShapeError(f"axis {node.axis} is outside the {rank} axes of {parts[0]}")
    axis = node.axis % rank
    for k, t in enumerate(parts[1:], start=1):
        same = len(t.shape) == rank and t.batched == parts[0].batched and all(
            compatible(a, b) for i, (a, b) in enumerate(zip(t.shape, parts[0].shape)) if i != axis
        )
        if not same:
            raise ShapeError(f"port 'x{k}' {t} does not match 'x0' {parts[0]} outside axis {node.axis}")
    sizes = [t.shape[axis] for t in parts]
    joined = None if any(s is None for s in sizes) else sum(sizes)
    shape = parts[0].shape[:axis] + (joined,) + parts[0].shape[axis + 1 :]
    return {"out": TensorType(shape, parts[0].batched)}


def _build(node, spec, types):
    rank = len(types["x0"].shape)
    axis = node.axis % rank + (1 if types["x0"].batched else 0)
    return Concat(node.inputs, axis)


KIND = KindDef("concat", _ports, _infer, _build)
