"""``build_graph``: a spec becomes a networkx graph whose nodes carry their spec and spec path."""

from __future__ import annotations

import networkx as nx

from zoo.compiler.kinds import DEFAULT
from zoo.compiler.registry import Registry, ShapeError
from zoo.compiler.templates import expand
from zoo.errors import Issue, SpecError


def build_graph(spec, registry: Registry = DEFAULT) -> nx.MultiDiGraph:
    """The dataflow graph of ``spec``.

    Nodes are keyed by name and carry ``spec`` (the node spec), ``kind`` and ``path`` (where in the
    spec it came from). Edges carry ``src_port``, ``dst_port`` and ``path``. The graph's attributes
    hold ``outputs`` (output name -> (node, port)), ``output_paths`` and the model ``spec``. Parallel
    edges are allowed (a node may feed two ports of another), hence a MultiDiGraph.

    Raises:
        SpecError: unknown or duplicate nodes, edges naming missing nodes or ports.
    """
    draft = expand(spec)
    g = nx.MultiDiGraph(name=spec.name, spec=spec, outputs={}, output_paths={})
    issues: list[Issue] = []
    ports = _add_nodes(g, draft, spec, registry, issues)
    _add_edges(g, draft, ports, issues)
    _add_outputs(g, draft, ports, issues)
    if issues:
        raise SpecError(issues)
    return g


def _add_nodes(g: nx.MultiDiGraph, draft, spec, registry: Registry, issues: list[Issue]) -> dict:
    """Add the draft's nodes; returns each node's ports."""
    ports = {}
    for node, path in draft.nodes:
        if node.name in g:
            issues.append(Issue(path + ("name",), f"node name {node.name!r} is used twice"))
            continue
        if node.kind not in registry:
            issues.append(Issue(path + ("kind",), _unknown(registry, node.kind)))
            continue
        try:
            ports[node.name] = registry.get(node.kind).ports(node, spec)
        except (KeyError, ShapeError) as e:  # a reference the schema already reports; keep going
            issues.append(Issue(path, str(e.args[0] if e.args else e)))
            continue
        g.add_node(node.name, spec=node, kind=node.kind, path=path)
    return ports


def _add_edges(g: nx.MultiDiGraph, draft, ports: dict, issues: list[Issue]) -> None:
    """Add the draft's edges between named ports."""
    for edge, path in draft.edges:
        (src, sp), (dst, dp) = edge.split()
        missing = [(end, name) for end, name in (("src", src), ("dst", dst)) if name not in ports]
        for end, name in missing:
            issues.append(Issue(path + (end,), f"no node named {name!r}; nodes: {', '.join(ports)}"))
        if missing:
            continue
        sp = _port(ports[src].outputs, sp, src, "output", path + ("src",), issues)
        dp = _port(tuple(ports[dst].inputs), dp, dst, "input", path + ("dst",), issues)
        if sp and dp:
            g.add_edge(src, dst, src_port=sp, dst_port=dp, path=path)


def _add_outputs(g: nx.MultiDiGraph, draft, ports: dict, issues: list[Issue]) -> None:
    """Record the model's named outputs."""
    for name, (ref, path) in draft.outputs.items():
        node, _, port = ref.partition(".")
        if node not in ports:
            issues.append(Issue(path, f"no node named {node!r}; nodes: {', '.join(ports)}"))
            continue
        port = _port(ports[node].outputs, port or None, node, "output", path, issues)
        if port:
            g.graph["outputs"][name] = (node, port)
            g.graph["output_paths"][name] = path


def _unknown(registry: Registry, kind: str) -> str:
    try:
        registry.get(kind)
    except KeyError as e:
        return e.args[0]
    return ""


def _port(available, port, node, what, path, issues) -> str | None:
    """Resolve an explicit or implied port name, collecting an issue when impossible."""
    if port is None:
        if len(available) == 1:
            return available[0]
        issues.append(Issue(path, f"node {node!r} has {what} ports {', '.join(available) or '(none)'}; name one as '{node}.<port>'"))
        return None
    if port not in available:
        issues.append(Issue(path, f"node {node!r} has no {what} port {port!r}; it has {', '.join(available) or '(none)'}"))
        return None
    return port
