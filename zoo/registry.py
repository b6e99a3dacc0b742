"""Tables of named things that families and plug-ins extend: templates, procedures, environments, ...

An entry is the thing itself or a ``"module:attribute"`` reference imported on first use, so that
registering a family does not import torch. Looking up an unknown name raises :class:`KeyError`
listing the known ones.
"""

from __future__ import annotations

import importlib
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
    """

    def __init__(self, what: str):
        self.what = what
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
        if isinstance(entry, str):
            entry = self._entries[name] = resolve_reference(entry)
        return entry

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
