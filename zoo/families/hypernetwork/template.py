"""``model.kind: hypernetwork``: a learned task embedding z drives a hypernetwork run on inputs x.

Nodes: ``x`` (input, (in,) per shot), ``embedding`` (parameter (K,), or (G, K) with ``per_layer``: the
embedding initialisation that the meta-learning inner loop adapts per task), the hypernetwork node.
Output ``y`` (out,) per shot.
"""

from __future__ import annotations

from zoo.compiler.templates.base import Draft, pick, raise_if, require
from zoo.errors import Issue
from zoo.schema.graph import HypernetworkNode, InputNode, ParameterNode


def expand(spec) -> Draft:
    """Write the hypernetwork's nodes from its hypernetworks entry (and a task_embedding router)."""
    issues: list[Issue] = []
    found = pick(spec.hypernetworks, spec.model.hypernetwork, "hypernetworks")
    require(issues, found is not None, ("hypernetworks",), "a hypernetwork model needs a hypernetworks entry")
    r = spec.router
    require(issues, r is None or r.kind == "task_embedding", ("router", "kind"),
            "a hypernetwork model's router is a task_embedding (or omitted)")
    raise_if(issues)
    h, i = found
    if r is not None and r.dim != h.templates:
        raise_if([Issue(("router", "dim"), f"must equal the hypernetwork's templates ({h.templates})")])
    scale = r.init_scale if r is not None else 1.0
    d = Draft()
    x = d.node(InputNode(kind="input", name="x", shape=(h.target.input,)), ("hypernetworks", i, "target"))
    shape = (len(h.generated_layers()), h.templates) if h.per_layer else (h.templates,)
    z = d.node(ParameterNode(kind="parameter", name="embedding", shape=shape, scale=scale),
               ("router",) if r is not None else ("hypernetworks", i))
    net = d.node(HypernetworkNode(kind="hypernetwork", name=h.name, hypernetwork=h.name), ("hypernetworks", i))
    d.edge(x, f"{net}.x", ("model",))
    d.edge(z, f"{net}.z", ("model",))
    d.output("y", net, ("model",))
    return d
