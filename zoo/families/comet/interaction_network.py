"""``model.kind: interaction_network``: state -> context -> interaction network -> prediction."""

from __future__ import annotations

from zoo.compiler.templates.base import Draft, raise_if, require
from zoo.errors import Issue
from zoo.schema.fields import node_args
from zoo.schema.graph import ContextNode, InputNode, InteractionNetworkNode


def expand(spec) -> Draft:
    """Write the baseline's nodes from slots and interactions."""
    issues: list[Issue] = []
    require(issues, spec.slots is not None, ("slots",), "an interaction_network model needs slots")
    require(issues, spec.interactions is not None, ("interactions",), "an interaction_network needs interactions")
    raise_if(issues)
    m = spec.model
    d = Draft()
    where = ("model",)
    state = d.node(InputNode(kind="input", name="state", shape=(spec.slots.count, spec.slots.dim)), ("slots",))
    ctx = d.node(ContextNode(kind="context", name="context"), ("interactions",))
    net = d.node(InteractionNetworkNode(**node_args(m, InteractionNetworkNode, kind="interaction_network",
                                                    name="network")), where)
    d.edge(state, f"{ctx}.x", where)
    d.edge(state, f"{net}.x", where)
    d.edge(f"{ctx}.ctx", f"{net}.ctx", where)
    d.edge(f"{ctx}.mask", f"{net}.mask", where)
    d.output("prediction", net, where)
    return d
