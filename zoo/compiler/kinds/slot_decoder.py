"""``slot_decoder``: slots z (K, D) -> image (C, H, W) and attention (H*W, K)."""

from __future__ import annotations

from zoo.compiler.kinds._util import need
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType
from zoo.nn.slot_vae import SlotDecoder


def _infer(node, spec, types):
    z = need(types, "z", rank=2)
    k = z.shape[0]
    if k is None:
        raise ShapeError(f"port 'z' needs a known number of slots, got {z}")
    return {"recon": TensorType((node.channels, node.size, node.size)),
            "attention": TensorType((node.size * node.size, k))}


def _build(node, spec, types):
    d = types["z"].shape[-1]
    return SlotDecoder(node.channels, node.size, d, node.d_model, node.query_dim, node.layers, node.heads,
                       node.frequencies, node.hidden)


KIND = KindDef("slot_decoder", lambda node, spec: Ports({"z": True}, ("recon", "attention")), _infer, _build)
