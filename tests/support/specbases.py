"""Valid spec documents that the spec fuzzer mutates: together they use every part and node kind."""

from __future__ import annotations

import copy
from typing import Any

GRAPH: dict[str, Any] = {
    "zoo": 2,
    "name": "fuzz-graph",
    "slots": {"count": 3, "dim": 4},
    "mechanisms": [{"name": "bank", "kind": "linear", "count": 2, "inputs": ["self", "context"]}],
    "hypernetworks": [{"name": "hyper", "kind": "linear", "templates": 3,
                       "target": {"input": 4, "hidden": [5], "output": 2}}],
    "interactions": {"kind": "edges", "edges": [[0, 1], [1, 2]]},
    "router": {"kind": "soft_mixture", "hidden": [6]},
    "model": {
        "kind": "graph",
        "nodes": [
            {"name": "state", "kind": "input", "shape": [3, 4]},
            {"name": "task", "kind": "parameter", "shape": [3], "init": "normal", "scale": 0.5},
            {"name": "enc", "kind": "mlp", "hidden": [8], "out": 4, "activation": "tanh"},
            {"name": "ctx", "kind": "context"},
            {"name": "bank", "kind": "mechanism_bank", "bank": "bank"},
            {"name": "cand", "kind": "residual"},
            {"name": "route", "kind": "router"},
            {"name": "inet", "kind": "interaction_network", "hidden": [8]},
            {"name": "hyper", "kind": "hypernetwork", "hypernetwork": "hyper"},
            {"name": "head", "kind": "linear", "out": 2, "bias": False},
        ],
        "edges": [
            "state -> enc", "enc -> ctx.x", "enc -> bank.state", "ctx.ctx -> bank.context",
            "enc -> cand.base", "bank -> cand.delta", "enc -> route.x", "ctx.ctx -> route.ctx",
            "ctx.mask -> route.mask", "cand -> route.candidates", "enc -> inet.x", "ctx.ctx -> inet.ctx",
            {"src": "ctx.mask", "dst": "inet.mask"}, "inet -> hyper.x", "task -> hyper.z", "hyper -> head",
        ],
        "outputs": {"y": "head", "logits": "route.logits", "prediction": "route.prediction"},
    },
}

REGRESSION: dict[str, Any] = {
    "zoo": 2,
    "name": "fuzz-regression",
    "description": "a tiny supervised model",
    "model": {
        "kind": "graph",
        "nodes": [
            {"name": "x", "kind": "input", "shape": [4]},
            {"name": "net", "kind": "mlp", "hidden": [8, 8], "out": 1},
        ],
        "edges": ["x -> net"],
        "outputs": {"y": "net"},
    },
    "data": {"kind": "regression", "inputs": 4, "samples": 64, "noise": 0.01},
    "train": {"procedure": "supervised", "steps": 10, "batch": 8, "lr": 0.01, "optimizer": "adamw",
              "schedule": "cosine", "warmup": 2, "checkpoint_every": 5, "eval_every": 5, "grad_clip": 1.0},
}

COMET: dict[str, Any] = {
    "zoo": 2,
    "name": "fuzz-comet",
    "model": {"kind": "comet", "bank": "rules"},
    "slots": {"count": 4, "dim": 4},
    "mechanisms": [{"name": "rules", "kind": "mlp", "count": 3, "hidden": [8], "activation": "gelu",
                    "inputs": ["self", "context"], "output": 4}],
    "interactions": {"kind": "knn", "k": 2, "position": [0, 1], "self_loops": False, "no_context": True},
    "router": {"kind": "classifier", "hidden": [8]},
    "data": {"kind": "particles", "objects": 4, "types": ["spring", "none"], "mix": [1.0, 2.0]},
}

RECURRENT: dict[str, Any] = {
    "zoo": 2,
    "name": "fuzz-recurrent",
    "model": {"kind": "interaction_network", "hidden": [8]},
    "slots": {"count": 2, "dim": 6},
    "mechanisms": [{"name": "cells", "kind": "gru", "count": 2, "hidden": 6, "inputs": ["self", "external"]}],
    "hypernetworks": [{"name": "h", "kind": "mlp", "templates": 2, "hidden": [4],
                       "target": {"input": 2, "output": 2}}],
    "interactions": {"kind": "complete"},
    "router": {"kind": "top_k", "k": 1, "key_dim": 4, "value_dim": 4, "heads": 1, "dropout": 0.1},
}

BASES: tuple[dict[str, Any], ...] = (GRAPH, REGRESSION, COMET, RECURRENT)


def bases(extra: list[Any] = ()) -> list[dict[str, Any]]:
    """Deep copies of the built-in bases plus ``extra`` documents (e.g. the catalogue)."""
    return [copy.deepcopy(d) for d in (*BASES, *extra) if isinstance(d, dict)]
