"""A spec to a ready model: resolve its pretrained banks, compile it (pure), load the banks' weights.

The three steps are separate so that the compiler never reads a file or the network; this is the one
place that joins them (:func:`zoo.compile_spec` is :func:`build_model`).
"""

from __future__ import annotations

from zoo.banks import load_pretrained, resolve_sources
from zoo.compiler import DEFAULT, Registry, checked_graph, compile_spec
from zoo.errors import SpecError


def resolved(spec):
    """``spec`` with its ``kind: pretrained`` banks resolved, errors located in the spec's file."""
    try:
        return resolve_sources(spec)
    except SpecError as e:
        source = getattr(spec, "source", None)
        raise (source.locate(e) if source is not None else e) from None


def resolved_graph(spec, registry: Registry = DEFAULT):
    """The checked graph of ``spec`` after resolving its pretrained banks."""
    return checked_graph(resolved(spec), registry)


def build_model(spec, registry: Registry = DEFAULT):
    """The spec as a :class:`~zoo.compiler.lower.CompiledModel` with every sourced bank's trained
    weights loaded (and frozen where the spec says so)."""
    return load_pretrained(compile_spec(resolved(spec), registry))
