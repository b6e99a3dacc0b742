"""Refuse a model too large to allocate before allocating it: every block is first built on the meta device.

Bounded spec fields still multiply into absurd models (4096 mechanisms of 65536-wide layers); building
such a model would exhaust memory (or summon the OOM killer) instead of reporting bad input.
"""

from __future__ import annotations

import networkx as nx

from zoo.compiler.registry import Registry
from zoo.errors import Issue, SpecError

MAX_PARAMETERS = 2**32  # 16 GiB of float32 weights, before gradients and optimiser state


def parameter_counts(graph: nx.MultiDiGraph, registry: Registry) -> dict[str, int]:
    """Parameters and buffers of every node's block, built on the meta device (nothing allocated)."""
    import warnings

    import torch

    spec, counts = graph.graph["spec"], {}
    for name, data in graph.nodes(data=True):
        if data["kind"] == "input":
            continue
        try:
            with torch.device("meta"), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. loading pretrained weights into meta tensors
                block = registry.get(data["kind"]).build(data["spec"], spec, data["in_types"])
        except Exception:  # noqa: BLE001 - a block that cannot be built on meta is built for real later
            continue
        counts[name] = sum(t.numel() for t in (*block.parameters(), *block.buffers()))
    return counts


def check_budget(graph: nx.MultiDiGraph, registry: Registry, limit: int = MAX_PARAMETERS) -> None:
    """Raise a SpecError at the largest nodes when the model would hold more than ``limit`` numbers."""
    counts = parameter_counts(graph, registry)
    total = sum(counts.values())
    if total <= limit:
        return
    ranked = sorted(counts, key=counts.get, reverse=True)
    big = [n for n in ranked if counts[n] * 10 >= total][:3]
    raise SpecError([Issue(graph.nodes[n]["path"], f"node {n!r} would hold {counts[n]:,} parameters and buffers; "
                                                   f"the model {total:,}, more than the {limit:,} zoo builds")
                     for n in big])
