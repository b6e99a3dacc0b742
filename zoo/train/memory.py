"""The memory budget of a run, checked before anything is allocated.

Each spec field has its bounds, but bounded fields multiply: ten million trajectories, or sixty
8192-wide mechanisms, validate and then exhaust memory. :func:`check_memory` estimates a run's peak
from its spec alone and refuses it when the estimate exceeds the limit (:data:`DEFAULT_MAX_MEMORY_GIB`
unless told otherwise: ``--max-memory GIB``, 0 for no check). The estimate adds

- the data: what the environment holds while it is generated (:mod:`zoo.envs.footprint`);
- the parameters, four bytes each for the weights, their gradients and the optimiser's state
  (two more for Adam/AdamW, one for SGD's momentum), counted on the meta device;
- the activations of one training step: the model's forward is run on the meta device with the
  batch's shapes (``train.batch``, times the horizon or the shots and inner steps of a task), and
  every tensor it creates is counted (an upper bound on what autograd keeps).

Nothing is allocated, so the check takes milliseconds even for a spec that would need terabytes.
It is an estimate: evaluation passes and library workspaces are not counted.
"""

from __future__ import annotations

import warnings
from typing import Any

import torch

from zoo.envs.footprint import data_footprint, sequence_length
from zoo.errors import Issue, SpecError, format_path
from zoo.limits import DEFAULT_MAX_MEMORY_GIB, GIB

OPTIMIZER_SLOTS = {"adam": 2, "adamw": 2, "sgd": 1}
SHORT = 8  # sequences longer than this are measured at SHORT / 2 and SHORT steps and extrapolated


def _size(n: float) -> str:
    for unit, scale in (("GiB", GIB), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{int(n)} bytes"


def step_rows(spec) -> int:
    """Examples whose activations one training step keeps at once (the batch, or its ``task_chunk`` of tasks,
    times a horizon or a task's shots)."""
    train, data = spec.train, spec.data
    if data.kind == "hyperteacher":
        inner = getattr(train, "inner", None)
        tasks = min(train.batch, getattr(train, "task_chunk", None) or train.batch)
        return tasks * (data.support_shots + data.query_shots) * ((inner.steps if inner else 0) + 1)
    return train.batch * getattr(train, "horizon", 1)


def _counting_mode():
    from torch.utils._python_dispatch import TorchDispatchMode

    class Allocations(TorchDispatchMode):
        """Sums the bytes of every new tensor an op returns (views and in-place results are not new)."""

        def __init__(self) -> None:
            super().__init__()
            self.bytes = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            if not any(r.alias_info is not None for r in func._schema.returns):
                for t in torch.utils._pytree.tree_leaves(out):
                    if isinstance(t, torch.Tensor):
                        self.bytes += t.numel() * t.element_size()
            return out

    return Allocations()


def _forward_bytes(graph, rows: int, length: int) -> int:
    """Bytes the model's forward creates for ``rows`` examples of sequences of ``length``, on meta."""
    from zoo.compiler.lower import lower

    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = lower(graph)
        inputs = {name: torch.zeros([rows, *(length if d is None else d for d in t.shape)], dtype=getattr(torch, t.dtype))
                  for name, t in model.input_types.items()}
        counter = _counting_mode()
        with counter:
            model(**inputs)
    return counter.bytes


def _output_bytes(graph, rows: int, length: int) -> int:
    """A coarser estimate from the inferred output shapes alone (for blocks the meta device cannot run)."""
    total = 0
    for _, node in graph.nodes(data=True):
        for t in node.get("out_types", {}).values():
            n = 1
            for d in t.shape:
                n *= length if d is None else d
            total += n * (rows if t.batched else 1)
    return 4 * 4 * total  # float32, and about as much again per output inside each block, and for gradients


def activation_bytes(graph, rows: int, length: int) -> int:
    """Bytes one training step's forward creates for ``rows`` examples (sequences of ``length``).

    Long sequences are extrapolated linearly from two short ones (the meta forward runs step by step).
    """
    try:
        if length <= SHORT:
            return _forward_bytes(graph, rows, length)
        a, b = _forward_bytes(graph, rows, SHORT // 2), _forward_bytes(graph, rows, SHORT)
        return a + (b - a) * (length - SHORT // 2) // (SHORT - SHORT // 2)
    except Exception:  # noqa: BLE001 - a block the meta device cannot run: fall back on the output shapes
        return _output_bytes(graph, rows, length)


def estimate(spec, activations: bool = True) -> dict[str, Any]:
    """The run's estimated peak memory by part: ``data``, ``parameters``, ``activations`` (bytes; 0 when
    not asked for) and the spec path of what drives each (``<part>_path``)."""
    from zoo.compiler.budget import meta_blocks, parameter_counts
    from zoo.compiler.kinds import DEFAULT
    from zoo.train.build import resolved_graph

    graph = resolved_graph(spec)
    counts = parameter_counts(meta_blocks(graph, DEFAULT))
    params = sum(counts.values())
    largest = max(counts, key=counts.get) if counts else None
    data = data_footprint(spec.data)
    rows, length = step_rows(spec), sequence_length(spec.data)
    slots = 2 + OPTIMIZER_SLOTS.get(spec.train.optimizer, 2)
    return {
        "data": data.bytes, "data_what": data.what, "data_path": data.field,
        "parameters": 4 * slots * params, "parameter_count": params, "optimizer": spec.train.optimizer,
        "parameters_path": graph.nodes[largest]["path"] if largest else ("model",),
        "activations": activation_bytes(graph, rows, length) if activations else 0, "rows": rows,
        "activations_path": ("train", "batch"),
    }


def check_memory(spec, max_gib: float | None = DEFAULT_MAX_MEMORY_GIB) -> dict[str, Any] | None:
    """Refuse a run whose estimated peak memory exceeds ``max_gib`` GiB (None or 0: no check).

    The data and parameters are estimated first; the activations (a forward on the meta device) only
    when those two fit.

    Returns:
        the estimate (see :func:`estimate`), or None when not checked.

    Raises:
        SpecError: located at the field that drives the largest part, naming every part.
    """
    if not max_gib or spec.train is None or spec.data is None:
        return None
    est = estimate(spec, activations=False)
    if est["data"] + est["parameters"] <= max_gib * GIB:
        est = estimate(spec)
    total = est["data"] + est["parameters"] + est["activations"]
    if total <= max_gib * GIB:
        return est
    part = max(("data", "parameters", "activations"), key=lambda k: est[k])
    shown = (f", activations {_size(est['activations'])} ({est['rows']:,} examples per step)"
             if est["activations"] else "")
    message = (f"the run would need {'about' if shown else 'at least'} {_size(total)} of memory, more than the "
               f"{max_gib:g} GiB allowed: data {_size(est['data'])} ({est['data_what']}), parameters "
               f"{_size(est['parameters'])} ({est['parameter_count']:,} with gradients and {est['optimizer']} "
               f"state){shown}; make {format_path(est[part + '_path'])} smaller, or raise the limit with "
               "--max-memory GIB (--max-memory 0: no check)")
    error = SpecError([Issue(tuple(est[f"{part}_path"]), message)])
    raise spec.source.locate(error) if spec.source is not None else error
