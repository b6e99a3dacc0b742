"""The registry from node kind to its definition: ports, shape inference and a build function.

A :class:`KindDef` is the only place that sees both a node's spec and the block it builds; blocks in
``zoo.nn`` take flat arguments. Registries are immutable: :meth:`Registry.extended` returns a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from zoo.compiler.types import TensorType
from zoo.registry import NODE_KINDS

if TYPE_CHECKING:
    from torch import nn

    from zoo.schema.spec import ModelSpec

Types = Mapping[str, TensorType]


class ShapeError(Exception):
    """Raised by a kind's ``infer`` when its inputs do not fit; the message names the port."""


@dataclass(frozen=True)
class Ports:
    """A node's input ports (name -> required) and output ports (in order)."""

    inputs: Mapping[str, bool]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class KindDef:
    """How one node kind is checked and built.

    Attributes:
        kind: the ``kind`` tag of the node spec.
        ports: node spec, model spec -> its ports.
        infer: node spec, model spec, input types -> output types (raise ShapeError when they misfit).
        build: node spec, model spec, input types -> the block (an ``nn.Module``; one output port
            returns a tensor, several return a tuple in port order).
    """

    kind: str
    ports: Callable[[Any, "ModelSpec"], Ports]
    infer: Callable[[Any, "ModelSpec", Types], dict[str, TensorType]]
    build: Callable[[Any, "ModelSpec", Types], "nn.Module"]


class Registry:
    """An immutable mapping from kind to :class:`KindDef`."""

    def __init__(self, kinds: Iterable[KindDef] = ()):
        self._kinds: dict[str, KindDef] = {}
        for k in kinds:
            if k.kind in self._kinds:
                raise ValueError(f"node kind {k.kind!r} is registered twice")
            self._kinds[k.kind] = k

    def extended(self, kinds: Iterable[KindDef]) -> "Registry":
        """A new registry with ``kinds`` added (a kind already present is an error)."""
        return Registry([*self._kinds.values(), *kinds])

    def get(self, kind: str) -> KindDef:
        """The definition of ``kind`` (its own, else one a family or plug-in added to
        :data:`zoo.registry.NODE_KINDS`); an unknown kind raises KeyError listing the known ones."""
        if kind in self._kinds:
            return self._kinds[kind]
        if kind in NODE_KINDS:
            return NODE_KINDS.get(kind)
        raise KeyError(f"unknown node kind {kind!r}; known kinds: {', '.join(self.kinds())}") from None

    def __contains__(self, kind: str) -> bool:
        return kind in self._kinds or kind in NODE_KINDS

    def kinds(self) -> list[str]:
        """Every registered kind, sorted."""
        return sorted(set(self._kinds) | set(NODE_KINDS.names()))
