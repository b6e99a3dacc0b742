"""``reparameterize``: mu, logvar -> z (a sample in training, the mean in eval mode)."""

from __future__ import annotations

from zoo.compiler.kinds._util import need, same
from zoo.compiler.registry import KindDef, Ports
from zoo.nn.slot_vae import Reparameterize


def _infer(node, spec, types):
    mu, logvar = need(types, "mu", min_rank=1), need(types, "logvar", min_rank=1)
    same(mu, logvar, "mu vs logvar")
    return {"z": mu}


def _build(node, spec, types):
    return Reparameterize()


KIND = KindDef("reparameterize", lambda node, spec: Ports({"mu": True, "logvar": True}, ("z",)), _infer, _build)
