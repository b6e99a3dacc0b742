"""Tables of named things that families and plug-ins extend: templates, procedures, environments, ...

An entry is the thing itself or a ``"module:attribute"`` reference imported on first use, so that
registering a family does not import torch. Looking up an unknown name raises :class:`KeyError`
listing the known ones.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from typing import Any, Generic, Iterator, TypeVar

T = TypeVar("T")


def resolve_reference(reference: str) -> Any:
    """The object a ``"package.module:attribute"`` reference names."""
    module, _, attribute = reference.partition(":")
    target: Any = importlib.import_module(module)
    for part in attribute.split(".") if attribute else ():
        target = getattr(target, part)
    return target


class Table(Generic[T]):
    """A mutable mapping from name to an entry, extended by :meth:`register`.

    Args:
        what: what a name names, for error messages ("model kind", "procedure", ...).
        references: whether a string entry is a ``"module:attribute"`` reference (False: a plain
            string value, such as a caption).
    """

    def __init__(self, what: str, references: bool = True):
        self.what, self.references = what, references
        self._entries: dict[str, Any] = {}
        self._owners: dict[str, str] = {}

    def register(self, name: str, entry: T | str, owner: str = "zoo") -> None:
        """Add ``name`` (an object or a ``"module:attribute"`` reference), registered by ``owner``.

        Raises:
            ValueError: ``name`` is already registered (by whom is said).
        """
        if name in self._entries:
            raise ValueError(f"{self.what} {name!r} is already registered by {self._owners[name]}")
        self._entries[name] = entry
        self._owners[name] = owner

    def unregister(self, name: str) -> None:
        """Remove ``name`` (for tests that register a temporary entry)."""
        self._entries.pop(name, None)
        self._owners.pop(name, None)

    def get(self, name: str) -> T:
        """The entry ``name``, imported when it was registered as a reference.

        Raises:
            KeyError: an unknown name, listing the known ones.
        """
        try:
            entry = self._entries[name]
        except KeyError:
            raise KeyError(f"unknown {self.what} {name!r}; known: {', '.join(sorted(self._entries)) or '(none)'}") from None
        if isinstance(entry, str) and self.references:
            entry = self._entries[name] = resolve_reference(entry)
        return entry

    @contextmanager
    def replaced(self, name: str, entry: T | str) -> Iterator[None]:
        """Inside the block, ``name`` is ``entry`` (registered or not before); afterwards as it was."""
        had, old, who = name in self._entries, self._entries.get(name), self._owners.get(name)
        self._entries[name], self._owners[name] = entry, "temporary"
        try:
            yield
        finally:
            if had:
                self._entries[name], self._owners[name] = old, who
            else:
                self.unregister(name)

    def owner(self, name: str) -> str:
        """Who registered ``name`` (``zoo`` or a plug-in's entry point)."""
        return self._owners[name]

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)


# The tables the layers read and the families (and plug-ins) fill. They live here, at the bottom and
# free of torch, so that registering a family imports nothing heavy.
TEMPLATES: Table[Any] = Table("model kind")
"""Model kind -> its template (spec -> Draft), read by :mod:`zoo.compiler.templates`."""
NODE_KINDS: Table[Any] = Table("node kind")
"""Node kinds added beyond the compiler's own (:class:`~zoo.compiler.registry.KindDef`)."""
PROCEDURES: Table[Any] = Table("procedure")
"""Procedure name -> its class, read by :mod:`zoo.train.procedures`."""
ENVIRONMENTS: Table[Any] = Table("environment")
"""Data kind -> its maker (data spec, seed -> environment), read by :mod:`zoo.envs`."""
RUNS: Table[Any] = Table("model kind")
"""Model kind -> the Run class of its trained models, read by :mod:`zoo.trained`."""
STARTERS: Table[Any] = Table("starter")
"""Starter name -> its YAML file, read by :mod:`zoo.starters`."""
MECHANISM_KINDS: Table[Any] = Table("mechanism kind")
"""Mechanism kind -> its :class:`~zoo.banks.mechanisms.MechanismKind`, read by :mod:`zoo.banks`."""
CAPTIONS: Table[str] = Table("figure", references=False)
"""Figure file name under ``plots/`` -> what it shows, read by :mod:`zoo.report`."""
