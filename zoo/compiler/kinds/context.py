"""``context``: candidate contexts for every slot over the interaction graph (see zoo.nn.context)."""

from __future__ import annotations

from zoo.compiler.kinds._util import need, width
from zoo.compiler.registry import KindDef, Ports, ShapeError
from zoo.compiler.types import TensorType
from zoo.nn.context import ContextGather, KnnContextGather, complete_edges, static_table


def graph_of(node, spec):
    """The node's interaction graph (its own, else the spec's top-level one)."""
    g = node.graph or spec.interactions
    if g is None:
        raise ShapeError("a context node needs an interaction graph: set top-level 'interactions'")
    return g


def _table(g, n):
    edges = {"complete": lambda: complete_edges(n), "edges": lambda: list(g.edges), "none": lambda: []}
    return static_table(n, edges[g.kind](), g.self_loops, g.no_context)


def _infer(node, spec, types):
    x = need(types, "x", rank=2)
    n, d = x.shape
    if n is None:
        raise ShapeError(f"port 'x' needs a known slot count, got {x}")
    g = graph_of(node, spec)
    if g.kind == "knn":
        most = n if g.self_loops else n - 1
        if g.k > most:
            raise ShapeError(f"knn k={g.k} exceeds the {most} candidate slots of {n} slots")
        if max(g.position) >= d:
            raise ShapeError(f"knn position index {max(g.position)} is outside the slot width {d}")
    if g.kind == "edges" and any(max(e) >= n for e in g.edges):
        raise ShapeError(f"an explicit edge names a slot >= the {n} slots")
    if g.kind == "knn":  # k real neighbours (and "no context") for every slot: the mask is all True
        c, full = g.k + int(g.no_context), True
    else:
        index, mask = _table(g, n)
        c, full = index.shape[1], bool(mask.all())
    return {
        "ctx": TensorType((n, c, width(x) + 1)),
        "index": TensorType((n, c), dtype="int64"),
        "mask": TensorType((n, c), dtype="bool", full=full),
    }


def _build(node, spec, types):
    g = graph_of(node, spec)
    if g.kind == "knn":
        return KnnContextGather(g.k, g.position, g.self_loops, g.no_context)
    n = types["x"].shape[0]
    return ContextGather(*_table(g, n))


KIND = KindDef("context", lambda node, spec: Ports({"x": True}, ("ctx", "index", "mask")), _infer, _build)
