"""build_graph: nodes carry their spec and path; edges carry ports; wiring errors are collected."""

from __future__ import annotations

import networkx as nx
import pytest

from zoo.compiler import build_graph
from zoo.errors import SpecError
from zoo.schema import loads_spec

GRAPH = """\
zoo: 2
name: custom
slots: {count: 3, dim: 2}
interactions: {kind: complete}
mechanisms:
  - {name: bank, kind: mlp, count: 2, hidden: [4], inputs: [self, context]}
model:
  kind: graph
  nodes:
    - {name: state, kind: input, shape: [3, 2]}
    - {name: ctx, kind: context}
    - {name: bank, kind: mechanism_bank, bank: bank}
    - {name: head, kind: linear, out: 1}
  edges:
    - state -> ctx.x
    - state -> bank.state
    - {src: ctx.ctx, dst: bank.context}
    - bank -> head
  outputs: {y: head, mask: ctx.mask}
"""


def test_nodes_and_edges_carry_specs_paths_and_ports():
    g = build_graph(loads_spec(GRAPH))
    assert isinstance(g, nx.DiGraph)
    assert g.nodes["bank"]["kind"] == "mechanism_bank" and g.nodes["bank"]["path"] == ("model", "nodes", 2)
    (edge,) = [e for _, _, e in g.in_edges("head", data=True)]
    assert (edge["src_port"], edge["dst_port"], edge["path"]) == ("out", "x", ("model", "edges", 3))
    assert g.graph["outputs"] == {"y": ("head", "out"), "mask": ("ctx", "mask")}


def test_template_nodes_point_at_the_parts_they_came_from(comet_yaml):
    g = build_graph(loads_spec(comet_yaml))
    assert g.nodes["bank"]["path"] == ("mechanisms", 0)
    assert g.nodes["context"]["path"] == ("interactions",)
    assert g.nodes["router"]["path"] == ("router",)


@pytest.mark.parametrize(
    "old,new,message",
    [
        ("    - bank -> head", "    - bank -> nowhere.x", "model.edges[3].dst: no node named 'nowhere'"),
        ("    - state -> ctx.x", "    - state -> ctx.y", "model.edges[0].dst: node 'ctx' has no input port 'y'"),
        ("{src: ctx.ctx, dst: bank.context}", "{src: ctx, dst: bank.context}",
         "model.edges[2].src: node 'ctx' has output ports ctx, index, mask; name one"),
        ("{name: head, kind: linear, out: 1}", "{name: ctx, kind: linear, out: 1}",
         "model.nodes[3].name: node name 'ctx' is used twice"),
        ("outputs: {y: head, mask: ctx.mask}", "outputs: {y: head, mask: ctx.nope}",
         "model.outputs.mask: node 'ctx' has no output port 'nope'"),
    ],
)
def test_wiring_errors(old, new, message):
    spec = loads_spec(GRAPH.replace(old, new))
    with pytest.raises(SpecError) as e:
        build_graph(spec)
    assert any(message in line for line in str(e.value).splitlines()), str(e.value)


def test_dangling_bank_reference_is_a_spec_error():
    with pytest.raises(SpecError, match=r"model.nodes\[2\].bank: no mechanisms entry named 'other'"):
        loads_spec(GRAPH.replace("bank: bank}", "bank: other}"))
