"""``model.kind: slot_vae``: image -> slot_encoder -> reparameterize -> slot_decoder.

Nodes: ``image`` (input (C, H, W)), ``encoder`` (mu, logvar (K, D)), ``sample`` (z (K, D)), ``decoder``
(recon (C, H, W), attention (H*W, K)). Outputs: recon, attention, mu, logvar, z.
"""

from __future__ import annotations

from zoo.compiler.templates.base import Draft, raise_if, require
from zoo.errors import Issue
from zoo.schema.graph import InputNode, ReparameterizeNode, SlotDecoderNode, SlotEncoderNode


def expand(spec) -> Draft:
    """Write the slot VAE's nodes from ``model`` and the top-level ``slots``."""
    issues: list[Issue] = []
    require(issues, spec.slots is not None, ("slots",), "a slot_vae model needs slots: {count, dim}")
    raise_if(issues)
    m = spec.model
    img = m.image
    d = Draft()
    where = ("model",)
    image = d.node(InputNode(kind="input", name="image", shape=(img.channels, img.size, img.size)), where + ("image",))
    enc = d.node(SlotEncoderNode(kind="slot_encoder", name="encoder", cnn=m.cnn, strides=m.strides, kernel=m.kernel,
                                 d_model=m.d_model, grouping=m.grouping, layers=m.encoder_layers,
                                 iterations=m.iterations, heads=m.heads,
                                 logvar_init=m.logvar_init), where)
    sample = d.node(ReparameterizeNode(kind="reparameterize", name="sample"), ("slots",))
    dec = d.node(SlotDecoderNode(kind="slot_decoder", name="decoder", size=img.size, channels=img.channels,
                                 d_model=m.d_model, query_dim=m.query_dim, hidden=m.hidden,
                                 layers=m.decoder_layers, heads=m.heads, frequencies=m.frequencies), where)
    d.edge(image, f"{enc}.image", where)
    d.edge(f"{enc}.mu", f"{sample}.mu", where)
    d.edge(f"{enc}.logvar", f"{sample}.logvar", where)
    d.edge(f"{sample}.z", f"{dec}.z", where)
    d.output("recon", f"{dec}.recon", where)
    d.output("attention", f"{dec}.attention", where)
    d.output("mu", f"{enc}.mu", where)
    d.output("logvar", f"{enc}.logvar", where)
    d.output("z", f"{sample}.z", where)
    return d
