"""``slot_encoder``: image (C, H, W) -> mu, logvar (K, D) for the spec's top-level slots."""

from __future__ import annotations

from zoo.compiler.kinds._util import need
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType
from zoo.nn.slot_vae import SlotEncoder


def _slots(spec):
    if spec.slots is None:
        raise ShapeError("a slot_encoder needs the top-level slots: {count, dim}")
    return spec.slots


def _infer(node, spec, types):
    slots = _slots(spec)
    image = need(types, "image", rank=3)
    c, h, w = image.shape
    if h is None or w is None or h != w:
        raise ShapeError(f"port 'image' expects a square image (C, H, H) of known size, got {image}")
    out = TensorType((slots.count, slots.dim))
    return {"mu": out, "logvar": out}


def _build(node, spec, types):
    slots = _slots(spec)
    c, size, _ = types["image"].shape
    return SlotEncoder(c, size, node.cnn, node.strides, node.kernel, node.d_model, node.layers, node.heads,
                       slots.count, slots.dim, node.logvar_init, node.grouping, node.iterations)


KIND = KindDef("slot_encoder", lambda node, spec: Ports({"image": True}, ("mu", "logvar")), _infer, _build)
