"""``hypernetwork``: generate a target MLP from the task embedding ``z`` and run it on ``x``."""

from __future__ import annotations

from zoo.compiler.kinds._util import need, width
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType
from zoo.nn.hypernetwork import LinearHypernetwork, MLPHypernetwork


def _infer(node, spec, types):
    h = spec.hypernetwork(node.hypernetwork)
    x = need(types, "x", batched=None)
    rank = 2 if h.per_layer else 1
    z = need(types, "z", rank=rank, batched=None)
    if width(x) != h.target.input:
        raise ShapeError(f"port 'x' has width {width(x)} but the target network's input is {h.target.input}")
    if width(z) != h.templates:
        raise ShapeError(f"port 'z' has width {width(z)} but the hypernetwork has {h.templates} templates")
    rows = len(h.generated_layers())
    if h.per_layer and z.shape[0] != rows:
        raise ShapeError(f"port 'z' has {z.shape[0]} rows but a per-layer embedding needs one per generated layer ({rows})")
    return {"out": TensorType(x.shape[:-1] + (h.target.output,), x.batched)}


def _build(node, spec, types):
    h = spec.hypernetwork(node.hypernetwork)
    widths = [h.target.input, *h.target.hidden, h.target.output]
    if h.kind == "linear":
        return LinearHypernetwork(h.templates, widths, h.target.activation, h.normalize, h.per_layer,
                                  h.generated_layers())
    return MLPHypernetwork(h.templates, widths, h.hidden, h.target.activation, h.activation, h.normalize,
                           h.per_layer, h.generated_layers())


KIND = KindDef("hypernetwork", lambda node, spec: Ports({"x": True, "z": True}, ("out",)), _infer, _build)
