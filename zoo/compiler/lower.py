"""``lower``: a checked graph becomes a ``torch.fx.GraphModule`` whose ``code`` can be printed.

Each non-input node is a submodule named after the node, so ``state_dict`` keys start with node
names. Inputs become placeholders; the forward returns a dict of the named outputs.
"""

from __future__ import annotations

import operator

import networkx as nx
import torch
from torch import fx, nn

from zoo.compiler.check import order
from zoo.compiler.kinds import DEFAULT
from zoo.compiler.registry import Registry
from zoo.nn.residual import FreeParameter


class CompiledModel(fx.GraphModule):
    """The compiled module: ``forward(**inputs) -> dict`` of named outputs.

    Attributes:
        spec: the model spec it was compiled from.
        input_types / output_types: TensorType of each input and output.
        node_types: node name -> (input port types, output port types).
        node_specs: node name -> its node spec (as the template wrote it).
    """


def lower(graph: nx.MultiDiGraph, registry: Registry = DEFAULT) -> CompiledModel:
    """Build every node's block and emit the fx graph in topological order."""
    spec = graph.graph["spec"]
    root = nn.Module()
    fxg = fx.Graph()
    values: dict[tuple[str, str], fx.Node] = {}
    input_types, names = {}, order(graph)
    for name in names:
        data = graph.nodes[name]
        if data["kind"] == "input":
            values[(name, "out")] = fxg.placeholder(name)
            input_types[name] = data["out_types"]["out"]
    for name in names:
        data = graph.nodes[name]
        if data["kind"] == "input":
            continue
        kind = registry.get(data["kind"])
        block = kind.build(data["spec"], spec, data["in_types"])
        root.add_module(name, block)
        kwargs = {e["dst_port"]: values[(u, e["src_port"])] for u, _, e in graph.in_edges(name, data=True)}
        if isinstance(block, FreeParameter) and not kwargs:
            call = fxg.get_attr(f"{name}.value")  # a learned tensor: read it, no module call
        elif len(kind.ports(data["spec"], spec).inputs) == 1 and len(kwargs) == 1:
            call = fxg.call_module(name, args=tuple(kwargs.values()))  # plain torch modules take one positional input
        else:
            call = fxg.call_module(name, kwargs=kwargs)
        outs = kind.ports(data["spec"], spec).outputs
        if len(outs) == 1:
            values[(name, outs[0])] = call
        else:
            for i, port in enumerate(outs):
                values[(name, port)] = fxg.create_node(
                    "call_function", operator.getitem, (call, i), name=f"{name}_{port}"
                )
    outputs = graph.graph["outputs"]
    fxg.output({k: values[v] for k, v in outputs.items()})
    fxg.lint()
    module = CompiledModel(root, fxg, class_name="".join(p.capitalize() for p in _words(spec.name)) or "Model")
    module.spec = spec
    module.input_types = input_types
    module.output_types = {k: graph.nodes[n]["out_types"][p] for k, (n, p) in outputs.items()}
    module.node_types = {n: (graph.nodes[n]["in_types"], graph.nodes[n]["out_types"]) for n in names}
    module.node_specs = {n: graph.nodes[n]["spec"] for n in names}
    return module


def _words(name: str) -> list[str]:
    out, cur = [], ""
    for ch in name:
        if ch.isalnum():
            cur += ch
        elif cur:
            out.append(cur)
            cur = ""
    return out + ([cur] if cur else [])


def example_inputs(model: CompiledModel, batch: int = 2, sizes: dict[str, int] | None = None,
                   device: str | torch.device = "cpu") -> dict[str, torch.Tensor]:
    """Random inputs that fit the model (unknown sizes default to 5 or ``sizes[input_name]``)."""
    gen = torch.Generator().manual_seed(0)
    out = {}
    for name, t in model.input_types.items():
        shape = [batch] + [d if d is not None else (sizes or {}).get(name, 5) for d in t.shape]
        if t.dtype == "int64":
            out[name] = torch.randint(0, 2, shape, generator=gen).to(device)
        else:
            out[name] = torch.randn(shape, generator=gen).to(device)
    return out
