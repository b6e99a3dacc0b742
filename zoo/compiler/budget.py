"""Refuse a model too large to allocate before allocating it: every block is first built on the meta device.

Bounded spec fields still multiply into absurd models (4096 mechanisms of 65536-wide layers); building
such a model would exhaust memory (or summon the OOM killer) instead of reporting bad input.
"""

from __future__ import annotations

import networkx as nx

from zoo.compiler.registry import Registry
from zoo.errors import Issue, SpecError

MAX_PARAMETERS = 2**32  # 16 GiB of float32 weights, before gradients and optimiser state


def meta_blocks(graph: nx.MultiDiGraph, registry: Registry) -> dict:
    """Every non-input node's block built on the meta device (nothing allocated); None where that fails."""
    import warnings

    import torch

    spec, blocks = graph.graph["spec"], {}
    for name, data in graph.nodes(data=True):
        if data["kind"] == "input":
            continue
        try:
            with torch.device("meta"), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. loading pretrained weights into meta tensors
                blocks[name] = registry.get(data["kind"]).build(data["spec"], spec, data["in_types"])
        except Exception:  # noqa: BLE001 - a block that cannot be built on meta is built for real later
            blocks[name] = None
    return blocks


def parameter_counts(blocks: dict) -> dict[str, int]:
    """Parameters and buffers of every block of :func:`meta_blocks` that could be built."""
    return {n: sum(t.numel() for t in (*b.parameters(), *b.buffers())) for n, b in blocks.items() if b is not None}


def parameter_names(blocks: dict) -> list[str] | None:
    """The compiled model's parameter names (``node.param``, as in its ``state_dict``); None if a block is unknown."""
    if any(b is None for b in blocks.values()):
        return None
    return [f"{n}.{p}" for n, b in blocks.items() for p, _ in b.named_parameters()]


def budget_issues(graph: nx.MultiDiGraph, blocks: dict, limit: int = MAX_PARAMETERS) -> list[Issue]:
    """Issues at the largest nodes when the model would hold more than ``limit`` numbers (else none)."""
    counts = parameter_counts(blocks)
    total = sum(counts.values())
    if total <= limit:
        return []
    ranked = sorted(counts, key=counts.get, reverse=True)
    big = [n for n in ranked if counts[n] * 10 >= total][:3]
    return [Issue(graph.nodes[n]["path"], f"node {n!r} would hold {counts[n]:,} parameters and buffers; "
                                          f"the model {total:,}, more than the {limit:,} zoo builds") for n in big]


def check_budget(graph: nx.MultiDiGraph, registry: Registry, limit: int = MAX_PARAMETERS) -> None:
    """Raise a SpecError at the largest nodes when the model would hold more than ``limit`` numbers."""
    issues = budget_issues(graph, meta_blocks(graph, registry), limit)
    if issues:
        raise SpecError(issues)
