"""Render a checked graph as text or Graphviz DOT (pictures: :mod:`zoo.plots.graph`)."""

from __future__ import annotations


import networkx as nx

from zoo.compiler.check import order
from zoo.errors import format_path


def _node_line(g: nx.MultiDiGraph, name: str) -> str:
    data = g.nodes[name]
    ins = ", ".join(
        f"{e['dst_port']}={u}.{e['src_port']}" for u, _, e in sorted(g.in_edges(name, data=True), key=lambda t: t[2]["dst_port"])
    )
    outs = ", ".join(f"{p}: {t}" for p, t in data.get("out_types", {}).items())
    return f"  {name} [{data['kind']}] ({ins}) -> {outs}    # {format_path(data['path'])}"


def render_text(g: nx.MultiDiGraph) -> str:
    """One line per node in execution order, with its inputs, output types and spec path."""
    spec = g.graph["spec"]
    lines = [f"{spec.name}: {spec.model.kind}, {g.number_of_nodes()} nodes, {g.number_of_edges()} edges"]
    lines += [_node_line(g, n) for n in order(g)]
    outs = ", ".join(f"{k} = {n}.{p}" for k, (n, p) in g.graph["outputs"].items())
    lines.append(f"  outputs: {outs}")
    return "\n".join(lines)


def node_text(g: nx.MultiDiGraph, n: str) -> str:
    """A node's label: name, [kind], one line per output port with its type, and the model outputs it gives."""
    data = g.nodes[n]
    lines = [n, f"[{data['kind']}]"]
    types = data.get("out_types", {})
    lines += [str(t) if list(types) == ["out"] else f"{p}: {t}" for p, t in types.items()]
    outputs = [k for k, (m, _) in g.graph["outputs"].items() if m == n]
    return "\n".join(lines + ([f"⇒ output {', '.join(outputs)}"] if outputs else []))


def edge_text(g: nx.MultiDiGraph, u: str, v: str) -> str:
    """An edge's label: ``src_port → dst_port`` for every port pair between the two nodes."""
    return "\n".join(f"{e['src_port']} → {e['dst_port']}" for e in g.get_edge_data(u, v).values())


def render_dot(g: nx.MultiDiGraph) -> str:
    """Graphviz DOT source of the graph: nodes as in the pictures, one edge per node pair labelled with its ports."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = [f"digraph {quoted(g.graph['spec'].name)} {{", "  node [shape=box, style=\"rounded,filled\", "
             "fillcolor=\"#e8f0fe\", fontname=Helvetica, fontsize=10];", "  edge [fontname=Helvetica, fontsize=9];"]
    lines += [f"  {quoted(n)} [label={quoted(node_text(g, n))}];" for n in order(g)]
    lines += [f"  {quoted(u)} -> {quoted(v)} [label={quoted(edge_text(g, u, v))}];" for u, v in nx.DiGraph(g).edges]
    return "\n".join(lines + ["}"]) + "\n"
