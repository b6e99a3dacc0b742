"""``residual``: base + delta, broadcasting base over delta's extra (mechanism, context) axes."""

from __future__ import annotations

from zoo.compiler.kinds._util import need
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType, compatible
from zoo.nn.residual import Residual


def _infer(node, spec, types):
    base, delta = need(types, "base"), need(types, "delta")
    k = len(base.shape) - 1
    lead_ok = len(delta.shape) >= len(base.shape) and all(
        compatible(a, b) for a, b in zip(base.shape[:k], delta.shape[:k])
    )
    if not lead_ok or not compatible(base.last, delta.last):
        raise ShapeError(f"delta {delta} must be base {base} with extra axes before the features")
    return {"out": TensorType(delta.shape)}


def _build(node, spec, types):
    return Residual(len(types["delta"].shape) - len(types["base"].shape))


KIND = KindDef("residual", lambda node, spec: Ports({"base": True, "delta": True}, ("out",)), _infer, _build)
