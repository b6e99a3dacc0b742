"""The toy family's template, node kind and mechanism kind (imported when a model is built)."""

from __future__ import annotations

import torch
from torch import nn

from zoo.banks.mechanisms import MechanismKind
from zoo.compiler.kinds._util import need
from zoo.compiler.registry import KindDef, Ports
from zoo.compiler.templates.base import Draft
from zoo.nn.bank import MechanismBank
from zoo.schema.graph import InputNode, MLPNode

from zoo_toy import ToyScaleNode


class Scale(nn.Module):
    """x -> scale * x."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * x


TOY_SCALE = KindDef("toy_scale", lambda node, spec: Ports({"x": True}, ("out",)),
                    lambda node, spec, types: {"out": need(types, "x")}, lambda node, spec, types: Scale())
TOY_AFFINE = MechanismKind("toy_affine", lambda bank, i, o: MechanismBank(bank.count, i, (), o, "identity"))


def expand(spec) -> Draft:
    """x -> toy_scale -> MLP -> y."""
    d, where = Draft(), ("model",)
    x = d.node(InputNode(kind="input", name="x", shape=(spec.data.inputs,)), where)
    s = d.node(ToyScaleNode(kind="toy_scale", name="scaled"), where)
    m = d.node(MLPNode(kind="mlp", name="net", hidden=(spec.model.hidden,), out=spec.data.outputs, activation="tanh"), where)
    d.edge(x, s, where)
    d.edge(s, m, where)
    d.output("y", m, where)
    return d
