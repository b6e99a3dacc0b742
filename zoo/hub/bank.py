"""Mechanism banks as artefacts: a directory (or Hub repo) with ``spec.json``, ``model.safetensors``
and a ``README.md`` model card (the format: :mod:`zoo.hub.bankdir`).

Loading is strict: every file must be a regular file whose sha256 matches the one ``spec.json``
records, every tensor name, shape and dtype must match what the spec builds, values must be finite,
and nothing is ever unpickled.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from zoo.errors import BankError, SpecError, listing
from zoo.hub.bankdir import (CONFIG, WEIGHTS, bank_spec, check_files, check_tensors, declared_tensors, read_config,
                             read_tensors)
from zoo.hub.network import shared_deadline
from zoo.schema.base import MAX_DIM

STRUCTURE = ("kind", "count", "hidden", "activation", "inputs", "output")


@dataclass(frozen=True, repr=False)
class Bank:
    """A loaded bank: its spec, the port widths it expects, its tensors and its ``spec.json``.

    ``origin`` is where it came from: ``hf://org/name@<commit>`` for a Hub bank (the resolved commit,
    whatever branch or tag was asked for), else None (``path`` says where it lies).
    """

    spec: Any
    ports: dict[str, int]
    tensors: dict[str, torch.Tensor]
    meta: dict[str, Any]
    path: Path
    origin: str | None = None

    @property
    def name(self) -> str:
        """The bank's name (the mechanisms entry it was trained as)."""
        return str(self.meta.get("name", self.spec.name))

    def __repr__(self) -> str:
        """One line: name, family and kind, mechanism count, parameters, tensors and where it came from."""
        from zoo.errors import printable

        family = (self.meta.get("provenance") or {}).get("family") or "?"
        parameters = sum(t.numel() for t in self.tensors.values())
        return printable(f"Bank({self.name!r}: {family} {self.spec.kind} x {self.spec.count}, {parameters:,} parameters "
                         f"in {len(self.tensors)} tensors, from {self.origin or str(self.path)!r})", newlines=False)

    @property
    def metrics(self) -> dict[str, float]:
        """The metrics recorded when the bank was trained."""
        return dict(self.meta.get("metrics") or {})

    def module(self) -> torch.nn.Module:
        """The bank as a ready block (weights loaded)."""
        from zoo.compiler.kinds.mechanism_bank import bank_module

        m = bank_module(self.spec, self.ports)
        m.load_state_dict(self.tensors, strict=True)
        return m

    @classmethod
    def from_pretrained(cls, repo_id_or_dir: str | os.PathLike[str], revision: str | None = None, *,
                        cache_dir: str | os.PathLike[str] | None = None, force_download: bool = False,
                        local_files_only: bool = False, token: str | bool | None = None) -> "Bank":
        """Load a bank from a directory, a catalogue name or the Hub; see :func:`zoo.hub.from_pretrained`."""
        from zoo.hub.pretrained import from_pretrained

        return from_pretrained(repo_id_or_dir, revision, cache_dir=cache_dir, force_download=force_download,
                               local_files_only=local_files_only, token=token)

    def save_pretrained(self, directory: str | os.PathLike[str]) -> Path:
        """Write this bank as a bank directory; see :func:`zoo.hub.save_pretrained`."""
        from zoo.hub.pretrained import save_pretrained

        return save_pretrained(self, directory)

    def push_to_hub(self, repo_id: str, *, branch: str | None = None, tag: str | None = None,
                    private: bool | None = None, commit_message: str | None = None, token: str | bool | None = None):
        """Publish this bank to the Hub; see :func:`zoo.hub.push_to_hub`."""
        from zoo.hub.pretrained import push_to_hub

        return push_to_hub(self, repo_id, branch=branch, tag=tag, private=private,
                           commit_message=commit_message, token=token)



def load_dir(directory: Path, origin: str | None = None, links_within: Path | None = None,
             check_all: bool = False) -> Bank:
    """Load the bank directory ``directory``, strictly checked against its ``spec.json``.

    Args:
        directory: the bank directory.
        origin: where it came from (``hf://org/name@<commit>``), for a Hub bank.
        links_within: the huggingface_hub cache, whose snapshot files are links into it.
        check_all: also check the card's sha256 (for downloads: a garbled copy is caught).
    """
    from zoo.compiler.kinds.mechanism_bank import bank_module

    meta = read_config(directory, links_within)
    spec = bank_spec(meta, directory)
    ports = meta["ports"]
    if not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_DIM for v in ports.values()):
        raise BankError(f"{directory / CONFIG}: port widths must be integers from 1 to {MAX_DIM}, got {ports!r:.200}")
    try:
        with torch.device("meta"):  # shapes and dtypes only: a lying spec.json cannot make us allocate
            expected = bank_module(spec, ports).state_dict()
    except Exception as e:  # noqa: BLE001 - any failure to build means the config is inconsistent
        raise BankError(f"{directory / CONFIG}: ports {ports} do not fit the bank spec ({e})") from None
    check_tensors(declared_tensors(meta, directory), expected, str(directory / CONFIG))
    tensors, raw = read_tensors(directory, links_within)
    check_tensors(tensors, expected, str(directory / WEIGHTS))
    check_files(directory, meta, raw, check_all, links_within)
    return Bank(spec, ports, tensors, meta, directory, origin)


def load_bank(ref: str | os.PathLike[str], base: Path | None = None) -> Bank:
    """Load a bank from a directory, a catalogue bank name or ``hf://org/name[@revision]``, strictly checked."""
    text = str(ref)
    if text.startswith("hf://"):
        from zoo.hub.remote import download

        return download(text).bank
    return load_dir(_local(text, base))


def find_local(ref: str | os.PathLike[str], base: Path | None = None) -> Path | None:
    """The directory of a local bank reference: a path (relative to ``base``, then to the working
    directory) or the name of a catalogue bank (``comet-particles`` or ``banks/comet-particles``)."""
    text = str(ref)
    path = Path(text).expanduser()
    if not path.is_absolute() and base is not None and (base / path).is_dir():
        return base / path
    if path.is_dir():
        return path
    from zoo.hub.catalogue import catalogue_bank

    return catalogue_bank(text)


def _local(text: str, base: Path | None) -> Path:
    found = find_local(text, base)
    if found is None:
        raise BankError(f"bank {text!r}: no such directory or catalogue bank (use a bank directory, "
                        "a catalogue bank name from `zoo banks list`, or hf://org/name@revision)")
    return found


def saved_config(ref: str | os.PathLike[str], base: Path | None = None) -> tuple[dict[str, Any], Path]:
    """The checked ``spec.json`` of a bank reference and the directory it lies in (a Hub bank is
    downloaded into the cache and verified whole first)."""
    text = str(ref)
    if text.startswith("hf://"):
        from zoo.hub.remote import download

        snap = download(text)
        return snap.bank.meta, snap.path
    directory = _local(text, base)
    return read_config(directory), directory


def _spec_dir(spec) -> Path | None:
    source = getattr(spec, "source", None)
    if source is not None and source.file and not source.file.startswith("<"):
        return Path(source.file).resolve().parent
    return None


def resolve_sources(spec):
    """``spec`` with every ``kind: pretrained`` bank replaced by the concrete spec saved with it."""
    if not any(b.kind == "pretrained" for b in spec.mechanisms):
        return spec
    banks, issues = [], []
    with shared_deadline(any(b.kind == "pretrained" and b.source.startswith("hf://") for b in spec.mechanisms)):
        for i, b in enumerate(spec.mechanisms):
            if b.kind != "pretrained":
                banks.append(b)
                continue
            try:
                meta, directory = saved_config(b.source, _spec_dir(spec))
                banks.append(bank_spec(meta, directory, name=b.name, source=b.source, frozen=b.frozen))
            except BankError as e:
                from zoo.errors import Issue

                issues.append(Issue(("mechanisms", i, "source"), str(e)))
    if issues:
        raise SpecError(issues)
    resolved = spec.model_copy(update={"mechanisms": tuple(banks)})
    resolved._source = spec.source
    return resolved


def load_into(module: torch.nn.Module, bank, widths: dict[str, int], spec) -> None:
    """Load ``bank.source`` into a freshly built bank block, checking structure and ports first."""
    loaded = load_bank(bank.source, _spec_dir(spec))
    where = f"bank {bank.name!r} from {bank.source}"
    diffs = [f"{k}: spec says {getattr(bank, k, None)!r}, bank has {getattr(loaded.spec, k, None)!r}"
             for k in STRUCTURE if getattr(bank, k, None) != getattr(loaded.spec, k, None)]
    if loaded.ports != widths:
        diffs.append(f"port widths: the model feeds {widths}, the bank was trained on {loaded.ports}")
    if diffs:
        raise BankError(f"{where} does not fit:{listing(diffs)}")
    check_tensors(loaded.tensors, module.state_dict(), where)
    module.load_state_dict(loaded.tensors, strict=True)


