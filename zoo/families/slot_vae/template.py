"""``model.kind: slot_vae``: image -> slot_encoder -> reparameterize -> slot_decoder.

Nodes: ``image`` (input (C, H, W)), ``encoder`` (mu, logvar (K, D)), ``sample`` (z (K, D)), ``decoder``
(recon (C, H, W), attention (H*W, K)). Outputs: recon, attention, mu, logvar, z.
"""

from __future__ import annotations

from zoo.compiler.templates.base import Draft, raise_if, require
from zoo.errors import Issue
from zoo.families.slot_vae.spec import decoder_args, encoder_args
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
    enc = d.node(SlotEncoderNode(**encoder_args(m)), where)
    sample = d.node(ReparameterizeNode(kind="reparameterize", name="sample"), ("slots",))
    dec = d.node(SlotDecoderNode(**decoder_args(m)), where)
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
