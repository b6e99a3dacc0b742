"""``lstm``: a single-layer LSTM over a sequence. Port ``x`` (T, in); outputs ``seq`` (T, H), ``last`` (H,)."""

from __future__ import annotations

from zoo.compiler.kinds._util import need, width
from zoo.compiler.registry import KindDef, Ports
from zoo.compiler.types import TensorType
from zoo.nn.rims import SequenceLSTM


def _infer(node, spec, types):
    x = need(types, "x", rank=2)
    return {"seq": TensorType((x.shape[0], node.hidden)), "last": TensorType((node.hidden,))}


def _build(node, spec, types):
    return SequenceLSTM(width(types["x"]), node.hidden, chrono=node.chrono)


KIND = KindDef("lstm", lambda node, spec: Ports({"x": True}, ("seq", "last")), _infer, _build)
