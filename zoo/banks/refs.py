"""Bank references, parsed in one place: ``hf://org/name[@rev]``, ``org/name[@rev]``, a catalogue bank
name (``comet-particles`` or ``banks/comet-particles``) or a bank directory.

A directory (relative to the spec's own directory, then to the working directory) wins over a
catalogue name, and both win over a Hub repository of the same spelling; ``hf://`` is always the Hub.
Loading a Hub reference goes through the remote loader that the Hub layer registers
(:func:`set_remote`), so this package never touches the network itself.
"""

from __future__ import annotations

import importlib
import os
import re
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from zoo.banks.catalogue import catalogue_bank
from zoo.banks.names import check_repo_id, check_revision
from zoo.errors import BankError

_SHAPE = re.compile(r"^[^/\s@]+/[^/\s@]+(?:@\S*)?$")  # org/name[@rev], before the rules are checked
HUB_PREFIX = "hf://"


@dataclass(frozen=True)
class BankRef:
    """A parsed bank reference: where the bank lies and how it was written.

    Attributes:
        text: the reference as written.
        where: ``directory``, ``catalogue`` or ``hub``.
        path: the bank's directory (``directory`` and ``catalogue``).
        repo_id: ``org/name`` (``hub``).
        revision: the branch, tag or commit written after ``@`` (``hub``; None when absent).
    """

    text: str
    where: Literal["directory", "catalogue", "hub"]
    path: Path | None = None
    repo_id: str | None = None
    revision: str | None = None

    @property
    def remote(self) -> bool:
        """Whether the bank comes from the Hub."""
        return self.where == "hub"


def parse_repo(text: str) -> tuple[str, str | None]:
    """``hf://org/name@rev`` or ``org/name@rev`` -> ``("org/name", "rev")`` (revision None when
    absent), with the repository id and the revision checked (:mod:`zoo.banks.names`)."""
    bare = text.removeprefix(HUB_PREFIX)
    if not _SHAPE.match(bare):
        hub = text.startswith(HUB_PREFIX)
        expected = "hf://org/name or hf://org/name@revision" if hub else "org/name or org/name@revision"
        raise BankError(f"bad {'bank reference' if hub else 'Hub repository'} {text!r:.200}; expected {expected}")
    repo_id, at, revision = bare.partition("@")
    check_repo_id(repo_id, repr(text))
    return repo_id, check_revision(revision if at else None, repr(text))


def is_repo_ref(text: str) -> bool:
    """Whether ``text`` is written as a Hub reference (``hf://...`` or ``org/name[@rev]``); whether
    its names are valid is :func:`parse_repo`'s to say."""
    return text.startswith(HUB_PREFIX) or bool(_SHAPE.match(text))


def pinned(repo_id: str, revision: str | None) -> str:
    """The ``hf://`` reference of a repo at a revision."""
    return f"{HUB_PREFIX}{repo_id}@{revision}" if revision else f"{HUB_PREFIX}{repo_id}"


def find_local(ref: str | os.PathLike[str], base: Path | None = None) -> Path | None:
    """The directory of a local bank reference: a path (relative to ``base``, then to the working
    directory) or the name of a catalogue bank; None when it is neither."""
    text = str(ref)
    if text.startswith(HUB_PREFIX):
        return None
    path = Path(text).expanduser()
    if not path.is_absolute() and base is not None and (base / path).is_dir():
        return base / path
    if path.is_dir():
        return path
    return catalogue_bank(text)


def parse_ref(ref: str | os.PathLike[str], base: Path | None = None) -> BankRef:
    """The bank reference ``ref`` parsed (``base``: the directory relative paths start from).

    Raises:
        BankError: neither a directory, a catalogue bank nor a well-formed Hub reference.
    """
    text = str(ref)
    local = find_local(text, base)
    if local is not None:
        return BankRef(text, "catalogue" if catalogue_bank(text) == local else "directory", path=local)
    if is_repo_ref(text):
        repo_id, revision = parse_repo(text)
        return BankRef(text, "hub", repo_id=repo_id, revision=revision)
    raise BankError(f"bank {text!r}: no such directory or catalogue bank, and not a Hub repository (expected a "
                    "bank or run directory, a catalogue bank name (`zoo banks list`), ORG/NAME[@REV] or hf://ORG/NAME@REV)")


_REMOTE: list[Any] = []


def set_remote(loader: Any) -> None:
    """Register how Hub references are loaded: an object (or ``"module:attribute"`` naming one, imported
    on first use) with ``load(ref: BankRef) -> Bank`` and ``session(remote: bool)`` (a context that
    shares one time limit among several loads)."""
    _REMOTE[:] = [loader]


def remote() -> Any:
    """The registered remote loader.

    Raises:
        BankError: none is registered (Hub references cannot be loaded).
    """
    if not _REMOTE:
        raise BankError("Hub bank references need zoo.hub, which registers the remote loader")
    loader = _REMOTE[0]
    if isinstance(loader, str):
        module, _, attribute = loader.partition(":")
        loader = _REMOTE[0] = getattr(importlib.import_module(module), attribute)
    return loader


def remote_session(refs: list[BankRef]) -> AbstractContextManager:
    """One shared time limit for loading ``refs`` when any is remote; nothing otherwise."""
    return remote().session(True) if any(r.remote for r in refs) else nullcontext()
