"""What ``zoo train`` needs of a compiled model, asked of the typed graph before anything is built.

``zoo validate`` calls :func:`check_model` after the graph check, so that it refuses every spec that
training would refuse: a model over the parameter budget, or one that lacks what its procedure reads
(outputs, input and output widths, parameters to adapt). Each procedure states its own needs once
(:meth:`~zoo.train.procedure.Procedure.model_issues`); training asks the same of the built model.
"""

from __future__ import annotations

import networkx as nx

from zoo.compiler import DEFAULT, Registry
from zoo.compiler.budget import budget_issues, meta_blocks, parameter_names
from zoo.errors import Issue, SpecError
from zoo.train.procedures import PROCEDURES


def graph_types(graph: nx.MultiDiGraph) -> tuple[dict, dict]:
    """The model's input and output types, read from a checked graph."""
    inputs = {n: d["out_types"]["out"] for n, d in graph.nodes(data=True) if d["kind"] == "input"}
    outputs = {k: graph.nodes[n]["out_types"][p] for k, (n, p) in graph.graph["outputs"].items()}
    return inputs, outputs


def model_issues(spec, graph: nx.MultiDiGraph, registry: Registry = DEFAULT) -> list[Issue]:
    """Every problem training would find in the model of a checked graph (none for a spec without ``train``)."""
    blocks = meta_blocks(graph, registry)
    issues = budget_issues(graph, blocks)
    if spec.train is not None:
        inputs, outputs = graph_types(graph)
        issues += PROCEDURES.get(spec.train.procedure).model_issues(spec, inputs, outputs, parameter_names(blocks))
    return issues


def check_model(spec, graph: nx.MultiDiGraph, registry: Registry = DEFAULT) -> None:
    """Raise one SpecError listing every problem of :func:`model_issues`, located in the spec's file."""
    issues = model_issues(spec, graph, registry)
    if issues:
        error = SpecError(issues)
        raise spec.source.locate(error) if spec.source is not None else error
