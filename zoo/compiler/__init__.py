"""The compiler: spec -> networkx graph -> checked graph -> ``torch.fx`` module. Pure functions.

>>> model = compile_spec(load_spec("comet-particles"))   # doctest: +SKIP
"""

from __future__ import annotations

from zoo.compiler.check import check, order
from zoo.compiler.graph import build_graph
from zoo.compiler.kinds import DEFAULT
from zoo.compiler.registry import KindDef, Ports, Registry, ShapeError
from zoo.compiler.types import TensorType


def checked_graph(spec, registry: Registry = DEFAULT):
    """``check(build_graph(spec))`` after resolving pretrained bank sources: the typed graph."""
    from zoo.hub.bank import resolve_sources

    return check(build_graph(resolve_sources(spec), registry), registry)


def compile_spec(spec, registry: Registry = DEFAULT):
    """The spec as a :class:`~zoo.compiler.lower.CompiledModel` (an ``nn.Module``)."""
    from zoo.compiler.lower import lower

    return lower(checked_graph(spec, registry), registry)


__all__ = [
    "DEFAULT",
    "KindDef",
    "Ports",
    "Registry",
    "ShapeError",
    "TensorType",
    "build_graph",
    "check",
    "checked_graph",
    "compile_spec",
    "order",
]
