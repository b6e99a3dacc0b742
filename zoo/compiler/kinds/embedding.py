"""``embedding``: integer tokens (..., ) -> vectors (..., dim); ``null_token`` (if set) -> zeros, untrained."""

from __future__ import annotations

from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType


def _infer(node, spec, types):
    x = types["x"]
    if x.dtype != "int64":
        raise ShapeError(f"port 'x' expects int64 tokens, got {x}")
    return {"out": TensorType(x.shape + (node.dim,), x.batched)}


def _build(node, spec, types):
    from torch import nn

    return nn.Embedding(node.vocab, node.dim, padding_idx=node.null_token)


KIND = KindDef("embedding", lambda node, spec: Ports({"x": True}, ("out",)), _infer, _build)
