"""A layered layout of a dataflow graph: ranks, order within ranks, coordinates, edge routes, label spots.

Pure geometry, in inches, on an abstract frame: the *rank* axis runs along the data flow (down the
page, or across it when the picture is laid out left to right) and the *order* axis across it. Nodes
are boxes of given sizes; an edge that skips ranks passes through thin dummy boxes in the ranks it
crosses, so it runs between nodes instead of through them. Each edge's label sits on the edge's last
or first segment, at the first spot along it that overlaps no node and no other label.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

NODE_GAP, DUMMY_GAP, MIN_RANK_GAP, MARGIN, LABEL_CLEARANCE = 0.35, 0.12, 0.5, 0.2, 0.05
SPOTS = (0.5, 0.32, 0.68, 0.2, 0.8, 0.42, 0.58)  # fractions along a segment tried for a label


@dataclass(frozen=True)
class Size:
    """A box: ``along`` the rank axis (the flow) and ``across`` it, in inches."""

    along: float
    across: float


@dataclass
class Layout:
    """Box centres, edge routes and label centres as (rank axis, order axis) points, in inches."""

    extent: tuple[float, float]
    centres: dict[str, tuple[float, float]]
    routes: dict[tuple[str, str], list[tuple[float, float]]]
    labels: dict[tuple[str, str], tuple[float, float]]


def ranks(g: nx.DiGraph) -> dict[str, int]:
    """Longest-path ranks; a node without inputs sits just before its first consumer (short edges)."""
    rank: dict[str, int] = {}
    for n in nx.topological_sort(g):
        rank[n] = max((rank[p] + 1 for p in g.predecessors(n)), default=0)
    for n in rank:
        if g.in_degree(n) == 0 and g.out_degree(n):
            rank[n] = min(rank[s] for s in g.successors(n)) - 1
    low = min(rank.values(), default=0)
    return {n: r - low for n, r in rank.items()}


def _with_dummies(g: nx.DiGraph, rank: dict[str, int]) -> tuple[nx.DiGraph, dict[tuple[str, str], list[str]]]:
    """``g`` with every edge split into one-rank steps, and the chain of nodes each edge now passes."""
    h, chains = nx.DiGraph(), {}
    h.add_nodes_from(g)
    for u, v in g.edges:
        chain = [u] + [f"\0{u}\0{v}\0{r}" for r in range(rank[u] + 1, rank[v])] + [v]
        for r, d in enumerate(chain[1:-1], rank[u] + 1):
            rank[d] = r
        nx.add_path(h, chain)
        chains[(u, v)] = chain
    return h, chains


def _crossings(h: nx.DiGraph, layers: list[list[str]]) -> int:
    count = 0
    for upper, lower in zip(layers, layers[1:]):
        at = {n: i for i, n in enumerate(lower)}
        ends = [(i, at[v]) for i, u in enumerate(upper) for v in h.successors(u) if v in at]
        count += sum(1 for a, b in ends for c, d in ends if a < c and b > d)
    return count


def _order(h: nx.DiGraph, rank: dict[str, int]) -> list[list[str]]:
    """Nodes of each rank, ordered by barycentre sweeps; the order with the fewest crossings wins."""
    layers: list[list[str]] = [[] for _ in range(max(rank.values(), default=-1) + 1)]
    for n in nx.lexicographical_topological_sort(h):
        layers[rank[n]].append(n)
    best, fewest = [list(layer) for layer in layers], _crossings(h, layers)
    for sweep in range(8):
        down = sweep % 2 == 0
        for r in range(1, len(layers)) if down else range(len(layers) - 2, -1, -1):
            ref = {n: i for i, n in enumerate(layers[r - 1 if down else r + 1])}
            near = h.predecessors if down else h.successors

            def centre(n: str, i: int) -> float:
                pos = [ref[m] for m in near(n) if m in ref]
                return sum(pos) / len(pos) if pos else float(i)

            layers[r] = [n for _, n in sorted((centre(n, i), n) for i, n in enumerate(layers[r]))]
        count = _crossings(h, layers)
        if count < fewest:
            best, fewest = [list(layer) for layer in layers], count
    return best


def _is_dummy(n: str) -> bool:
    return n.startswith("\0")


def _place_across(h: nx.DiGraph, layers: list[list[str]], size: dict[str, Size]) -> dict[str, float]:
    """Order-axis centres: each node pulled towards its neighbours, never closer than a gap to the next."""

    def apart(a: str, b: str) -> float:  # centre distance of neighbours a, b in a layer
        gap = (DUMMY_GAP if _is_dummy(a) else NODE_GAP) / 2 + (DUMMY_GAP if _is_dummy(b) else NODE_GAP) / 2
        return (size[a].across + size[b].across) / 2 + gap

    pos: dict[str, float] = {}
    for layer in layers:
        for i, n in enumerate(layer):
            pos[n] = pos[layer[i - 1]] + apart(layer[i - 1], n) if i else 0.0
    for _ in range(12):
        for layer in layers:
            want = [sum(pos[m] for m in nx.all_neighbors(h, n)) / h.degree(n) if h.degree(n) else pos[n] for n in layer]
            for i, n in enumerate(layer):  # left to right: at the wish, or right of the previous node
                pos[n] = max(want[i], pos[layer[i - 1]] + apart(layer[i - 1], n)) if i else want[i]
            for i in range(len(layer) - 2, -1, -1):  # right to left: pull back what the first pass pushed
                pos[layer[i]] = min(pos[layer[i]], pos[layer[i + 1]] - apart(layer[i], layer[i + 1]))
    return pos


def _attach(routes: dict, centres: dict, size: dict[str, Size]) -> None:
    """Start each route on its source's far side and end it on its destination's near side, the edges of
    one side spread along it in the order of where they come from or go to (so they do not cross there)."""
    for n, (a, c) in centres.items():
        s = size[n]
        for end, side in ((0, 1), (-1, -1)):  # leaving from the far side, arriving on the near side
            keys = [k for k in routes if k[end] == n]
            keys.sort(key=lambda k: routes[k][1 if end == 0 else -2][1])
            for i, k in enumerate(keys):
                offset = ((i + 1) / (len(keys) + 1) - 0.5) * s.across * 0.7
                routes[k][end] = (a + side * s.along / 2, c + offset)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return abs(a[0] - b[0]) * 2 < a[2] + b[2] + LABEL_CLEARANCE and abs(a[1] - b[1]) * 2 < a[3] + b[3] + LABEL_CLEARANCE


def _label_spots(routes, label_size: dict, boxes: list) -> dict:
    """A centre on each route's last segment (by its destination port), else its first, that overlaps no
    box and no label placed before it."""
    taken, spots = list(boxes), {}
    for key in sorted(routes, key=lambda k: routes[k][-1]):
        route, s = routes[key], label_size[key]
        segments = [(route[-2], route[-1])] + ([(route[0], route[1])] if len(route) > 2 else [])
        tries = [(a0 + t * (a1 - a0), c0 + t * (c1 - c0)) for (a0, c0), (a1, c1) in segments for t in SPOTS]
        spot = next((p for p in tries if not any(_overlaps((*p, s.along, s.across), b) for b in taken)), tries[0])
        spots[key] = spot
        taken.append((*spot, s.along, s.across))
    return spots


def layout(g: nx.DiGraph, size: dict[str, Size], label_size: dict[tuple[str, str], Size]) -> Layout:
    """Lay out ``g`` (one edge per connected pair) with node and edge-label sizes in inches."""
    rank = ranks(g)
    h, chains = _with_dummies(g, rank)
    size = {**size, **{n: Size(0.0, 0.05) for n in h if _is_dummy(n)}}
    layers = _order(h, rank)
    across = _place_across(h, layers, size)
    depth = [max((size[n].along for n in layer), default=0.0) for layer in layers]
    gaps = [MIN_RANK_GAP] * len(layers)
    for (u, v), s in label_size.items():  # room for labels in the gaps where they may sit
        for r in {rank[u], rank[v] - 1}:
            gaps[r] = max(gaps[r], 2.2 * s.along + 0.15)
    along, edge = {}, MARGIN
    for r, layer in enumerate(layers):
        for n in layer:
            along[n] = edge + depth[r] / 2
        edge += depth[r] + gaps[r]
    centres = {n: (along[n], across[n]) for n in g}
    routes = {key: [(along[n], across[n]) for n in chain] for key, chain in chains.items()}
    _attach(routes, centres, size)
    boxes = [(*centres[n], size[n].along, size[n].across) for n in g]
    labels = _label_spots(routes, label_size, boxes)
    return _framed(Layout((0.0, 0.0), centres, routes, labels), boxes + [(*labels[k], s.along, s.across)
                                                                         for k, s in label_size.items()])


def _framed(lay: Layout, boxes: list[tuple[float, float, float, float]]) -> Layout:
    """``lay`` moved so that every box lies at least MARGIN inside its extent."""
    lo = [min(b[i] - b[i + 2] / 2 for b in boxes) - MARGIN for i in (0, 1)]
    hi = [max(b[i] + b[i + 2] / 2 for b in boxes) + MARGIN for i in (0, 1)]

    def move(p: tuple[float, float]) -> tuple[float, float]:
        return p[0] - lo[0], p[1] - lo[1]

    return Layout((hi[0] - lo[0], hi[1] - lo[1]), {n: move(p) for n, p in lay.centres.items()},
                  {k: [move(p) for p in r] for k, r in lay.routes.items()}, {k: move(p) for k, p in lay.labels.items()})
