"""Hypothesis strategies for *valid* specs that are compiled and trained for a couple of steps.

The malformed cases of :mod:`tests.support.specfuzz` only reach ``validate``; these go all the way:
validate, compile, train two steps at tiny sizes. Names are drawn from identifiers that are legal
but close to what Python, ``torch.fx`` or ``nn.Module`` use (``print``, ``torch``, ``forward_``, ...),
sizes, activations, optimisers and routers vary. :func:`train_problems` is the property: anything
raised but a :class:`~zoo.errors.ZooError` is a failure.
"""

from __future__ import annotations

import tempfile
import traceback
from typing import Any

from hypothesis import strategies as st

# Legal names that look like Python builtins, fx's generated code or module attributes.
NAMES = ["print", "torch", "inf", "nan", "len", "input", "match", "case", "getattr", "operator", "fx", "math",
         "forward_", "self_", "train2", "training_", "Module", "state", "x1", "y", "net", "bank", "cells",
         "NONE", "True_", "device", "dtype", "call_module", "placeholder", "output", "z" * 64]
ACTIVATIONS = ["relu", "gelu", "tanh", "silu", "elu", "leaky_relu", "sigmoid", "identity"]
TRAIN = {"steps": 2, "batch": 4, "eval_every": 0, "checkpoint_every": 0, "log_every": 1}


def _train(draw: Any, procedure: str) -> dict[str, Any]:
    return {"procedure": procedure, **TRAIN, "optimizer": draw(st.sampled_from(["adam", "adamw", "sgd"])),
            "schedule": draw(st.sampled_from(["constant", "cosine"])), "seed": draw(st.integers(0, 3))}


@st.composite
def graph_specs(draw: Any) -> dict[str, Any]:
    """A supervised regression graph: an input through 1-3 mlp/linear nodes, every name drawn. The data
    provides ``x``; an input named otherwise must be refused clearly when training starts."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=3, max_size=5, unique=True))
    source, *layers, output = ["x", *names[1:]] if draw(st.integers(0, 3)) else names
    nodes, edges, prev = [{"name": source, "kind": "input", "shape": [3]}], [], source
    for i, name in enumerate(layers):
        last = i == len(layers) - 1
        if draw(st.booleans()):
            node = {"name": name, "kind": "mlp", "hidden": [draw(st.integers(1, 5))], "out": 1 if last else 4,
                    "activation": draw(st.sampled_from(ACTIVATIONS))}
        else:
            node = {"name": name, "kind": "linear", "out": 1 if last else 4, "bias": draw(st.booleans())}
        nodes.append(node)
        edges.append(f"{prev} -> {name}")
        prev = name
    return {"zoo": 2, "name": "fuzz-valid-graph", "model": {"kind": "graph", "nodes": nodes, "edges": edges,
                                                            "outputs": {output: prev}},
            "data": {"kind": "regression", "inputs": 3, "samples": 16, "test_samples": 8},
            "train": {**_train(draw, "supervised"), "output": output}}


@st.composite
def comet_specs(draw: Any) -> dict[str, Any]:
    """A tiny COMET model on particles, trained by competition, with a drawn bank name and router."""
    bank = draw(st.sampled_from(NAMES))
    router = draw(st.sampled_from([{"kind": "classifier", "hidden": [4]}, {"kind": "winner_take_all"},
                                   {"kind": "soft_mixture", "hidden": [4]}]))
    return {"zoo": 2, "name": "fuzz-valid-comet", "model": {"kind": "comet", "bank": bank},
            "slots": {"count": 3, "dim": 8},
            "mechanisms": [{"name": bank, "kind": draw(st.sampled_from(["mlp", "linear"])), "count": 2,
                            "inputs": ["self", "context"]}],
            "interactions": {"kind": "complete"}, "router": router,
            "data": {"kind": "particles", "objects": 3, "length": 4, "trajectories": 4, "test_trajectories": 2},
            "train": {**_train(draw, "compete"), "rollout": 2, "horizon": draw(st.integers(1, 2))}}


@st.composite
def rims_specs(draw: Any) -> dict[str, Any]:
    """Tiny RIMs on the copying task with a drawn cell-bank name."""
    cells = draw(st.sampled_from(NAMES))
    return {"zoo": 2, "name": "fuzz-valid-rims",
            "model": {"kind": "rims", "cells": cells, "input": {"vocab": 6, "embed": 4}, "output": "sequence",
                      "out": 6, "comm_heads": 1, "comm_key_dim": 4, "comm_value_dim": 4},
            "mechanisms": [{"name": cells, "kind": draw(st.sampled_from(["gru", "lstm"])), "count": 3, "hidden": 4}],
            "router": {"kind": "top_k", "k": 2, "key_dim": 4, "value_dim": 4},
            "data": {"kind": "copying", "symbols": 4, "length": 2, "delay": 2, "test_delays": [3],
                     "train_sequences": 8, "test_sequences": 4},
            "train": {**_train(draw, "supervised"), "loss": "cross_entropy"}}


valid_specs = st.one_of(graph_specs(), comet_specs(), rims_specs())


def train_problems(doc: dict[str, Any]) -> list[str]:
    """Validate, compile and train ``doc``; every exception that is not a ZooError is a problem."""
    from zoo.compiler import compile_spec
    from zoo.errors import ZooError
    from zoo.schema import validate
    from zoo.train import train

    try:
        spec = validate(doc)
        compile_spec(spec)
        with tempfile.TemporaryDirectory() as run_dir:
            train(spec, run_dir=run_dir, progress=False)
    except ZooError:
        return []  # refused with a clear message: allowed
    except Exception as e:  # noqa: BLE001 - anything else is exactly what we look for
        return [f"{type(e).__name__}: {str(e)[:300]}\n{traceback.format_exc(limit=-3)}"]
    return []
