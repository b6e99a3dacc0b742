"""check: cycles, unfed and doubly fed ports, shape inference errors, all with spec paths."""

from __future__ import annotations

import pytest

from zoo.compiler import build_graph, check, checked_graph
from zoo.compiler.types import TensorType
from zoo.errors import SpecError
from zoo.schema import loads_spec

BASE = """\
zoo: 2
name: g
model:
  kind: graph
  nodes:
    - {name: x, kind: input, shape: [6]}
    - {name: a, kind: mlp, hidden: [8], out: 4}
    - {name: b, kind: linear, out: 3}
  edges: [x -> a, a -> b]
  outputs: {y: b}
"""


def _errors(text: str) -> str:
    with pytest.raises(SpecError) as e:
        checked_graph(loads_spec(text))
    return str(e.value)


def test_shapes_are_inferred():
    g = checked_graph(loads_spec(BASE))
    assert g.nodes["a"]["out_types"]["out"] == TensorType((4,))
    assert g.nodes["b"]["in_types"]["x"] == TensorType((4,))


def test_cycle_is_reported_with_an_edge_path():
    text = BASE.replace("edges: [x -> a, a -> b]", "edges: [b -> a, a -> b]")
    assert "the graph has a cycle: " in _errors(text)


def test_unfed_port():
    msg = _errors(BASE.replace("edges: [x -> a, a -> b]", "edges: [x -> a]"))
    assert "model.nodes[2]: input b.x is not fed by any edge" in msg


def test_port_fed_twice():
    msg = _errors(BASE.replace("edges: [x -> a, a -> b]", "edges: [x -> a, a -> b, x -> b.x]"))
    assert "input b.x is fed 2 times" in msg


def test_shape_mismatch_names_node_and_port():
    text = BASE.replace("{name: b, kind: linear, out: 3}", "{name: b, kind: residual}")
    text = text.replace("edges: [x -> a, a -> b]", "edges: [x -> a, a -> b.base, x -> b.delta]")
    msg = _errors(text)
    assert "model.nodes[2]: node 'b' (residual): delta (B, 6) must be base (B, 4)" in msg


def test_context_needs_interactions():
    text = BASE.replace("{name: a, kind: mlp, hidden: [8], out: 4}", "{name: a, kind: context}")
    text = text.replace("[6]", "[3, 2]").replace("edges: [x -> a, a -> b]", "edges: [x -> a, a.ctx -> b]")
    assert "needs an interaction graph" in _errors(text)


def test_check_is_pure(comet_yaml):
    g = build_graph(loads_spec(comet_yaml))
    checked = check(g)
    assert "out_types" not in g.nodes["bank"] and "out_types" in checked.nodes["bank"]


def test_all_errors_at_once():
    text = BASE.replace("edges: [x -> a, a -> b]", "edges: []")
    msg = _errors(text).splitlines()
    assert len(msg) == 2
