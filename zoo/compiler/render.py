"""Render a checked graph as text, Graphviz DOT or a PNG picture."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from zoo.compiler.check import order
from zoo.errors import ZooError, format_path
from zoo.io import atomic_path, write_text


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


def render_dot(g: nx.MultiDiGraph) -> str:
    """Graphviz DOT source of the graph (edges labelled with their ports)."""
    lines = [f'digraph "{g.graph["spec"].name}" {{', "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
    for n in order(g):
        d = g.nodes[n]
        types = "\\n".join(f"{p}: {t}" for p, t in d.get("out_types", {}).items())
        lines.append(f'  "{n}" [label="{n}\\n[{d["kind"]}]\\n{types}"];')
    for u, v, e in g.edges(data=True):
        lines.append(f'  "{u}" -> "{v}" [label="{e["src_port"]}→{e["dst_port"]}", fontsize=9];')
    for k, (n, p) in g.graph["outputs"].items():
        lines.append(f'  "out:{k}" [shape=ellipse, label="{k}"];')
        lines.append(f'  "{n}" -> "out:{k}" [label="{p}", fontsize=9, style=dashed];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _layers(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    depth: dict[str, int] = {}
    for n in order(g):
        depth[n] = max((depth[u] + 1 for u in g.predecessors(n)), default=0)
    columns: dict[int, list[str]] = {}
    for n, d in depth.items():
        columns.setdefault(d, []).append(n)
    pos = {}
    for d, names in columns.items():
        for i, n in enumerate(names):
            pos[n] = (float(d), -(i - (len(names) - 1) / 2))
    return pos


def write_png(g: nx.MultiDiGraph, path: Path) -> None:
    """A left-to-right picture of the graph with node kinds, output shapes and port labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pos = _layers(g)
    columns = max(x for x, _ in pos.values()) + 1
    rows = max(abs(y) for _, y in pos.values()) * 2 + 1
    fig, ax = plt.subplots(figsize=(max(6.0, 3.4 * columns), max(3.5, 2.2 * rows)))
    for i, (u, v) in enumerate(nx.DiGraph(g).edges):
        span = pos[v][0] - pos[u][0]
        ports = ", ".join(f"{e['src_port']}→{e['dst_port']}" for e in g.get_edge_data(u, v).values())
        rad = 0.0 if span <= 1 and pos[u][1] == pos[v][1] else 0.25 * (1 if i % 2 else -1)
        ax.annotate("", xy=pos[v], xytext=pos[u], zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color="#888", lw=1.2, shrinkA=38, shrinkB=38,
                                    connectionstyle=f"arc3,rad={rad}"))
        mx, my = (pos[u][0] + pos[v][0]) / 2, (pos[u][1] + pos[v][1]) / 2 + (0.18 * span if rad else 0.08)
        ax.text(mx, my, ports, fontsize=7, color="#555", ha="center", va="center", zorder=2,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    for n, (x, y) in pos.items():
        d = g.nodes[n]
        types = "\n".join(f"{p}: {t}" for p, t in d.get("out_types", {}).items())
        ax.text(x, y, f"{n}\n[{d['kind']}]\n{types}", ha="center", va="center", fontsize=8, zorder=3,
                bbox=dict(boxstyle="round", fc="#e8f0fe", ec="#3367d6"))
    ax.set_xlim(-0.6, columns - 0.4)
    ax.set_ylim(-rows / 2 - 0.3, rows / 2 + 0.3)
    spec = g.graph["spec"]
    ax.set_title(f"{spec.name}: {spec.model.kind} dataflow (output shapes with batch axis B)")
    ax.axis("off")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
    plt.close(fig)


def write_graph(g: nx.MultiDiGraph, path: Path) -> None:
    """Write the graph in the format named by the file suffix (.png, .dot, .txt)."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        write_png(g, path)
    elif suffix in (".dot", ".gv"):
        write_text(path, render_dot(g))
    elif suffix == ".txt":
        write_text(path, render_text(g) + "\n")
    else:
        raise ZooError(f"--out {path}: unknown format {suffix!r}; use .png, .dot or .txt")
