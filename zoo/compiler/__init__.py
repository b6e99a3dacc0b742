"""The compiler: spec -> networkx graph -> checked graph -> ``torch.fx`` module. Pure functions: it
reads no file and no network. A spec with pretrained banks is resolved before compiling and the
banks' weights are loaded after (:func:`zoo.banks.resolve_sources`, :func:`zoo.banks.load_pretrained`;
:func:`zoo.compile_spec` does all three).

>>> model = compile_spec(load_spec("comet-particles"))   # doctest: +SKIP
"""

from __future__ import annotations

from zoo.compiler.budget import check_budget
from zoo.compiler.check import check, order
from zoo.compiler.graph import build_graph
from zoo.compiler.kinds import DEFAULT
from zoo.compiler.lower import lower
from zoo.compiler.registry import KindDef, Ports, Registry, ShapeError
from zoo.compiler.types import TensorType
from zoo.errors import SpecError


def checked_graph(spec, registry: Registry = DEFAULT):
    """``check(build_graph(spec))``: the typed graph (pretrained banks must be resolved first).

    Raises:
        SpecError: every wiring or shape problem, located in the spec's file when it came from one.
    """
    try:
        _require_resolved(spec)
        return check(build_graph(spec, registry), registry)
    except SpecError as e:
        source = getattr(spec, "source", None)
        raise (source.locate(e) if source is not None else e) from None


def _require_resolved(spec) -> None:
    for i, bank in enumerate(getattr(spec, "mechanisms", ())):
        if bank.kind == "pretrained":
            raise SpecError(f"bank {bank.name!r} is pretrained: resolve its source before compiling "
                            "(zoo.banks.resolve_sources), or build with zoo.compile_spec, which does",
                            ("mechanisms", i, "source"))


def compile_spec(spec, registry: Registry = DEFAULT):
    """The spec as a :class:`~zoo.compiler.lower.CompiledModel` (an ``nn.Module``), freshly initialised."""
    graph = checked_graph(spec, registry)
    try:
        check_budget(graph, registry)
    except SpecError as e:
        source = getattr(spec, "source", None)
        raise (source.locate(e) if source is not None else e) from None
    return lower(graph, registry)


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
