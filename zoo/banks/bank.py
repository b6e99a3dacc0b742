"""A loaded mechanism bank, and loading a bank directory (``spec.json``, ``model.safetensors`` and a
``README.md`` model card; the format: :mod:`zoo.banks.format`).

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

from zoo.banks.format import (
    CONFIG,
    WEIGHTS,
    bank_spec,
    check_files,
    check_tensors,
    declared_tensors,
    read_config,
    read_tensors,
    write_bank,
)
from zoo.banks.mechanisms import bank_module
from zoo.banks.part_bank import is_part_bank, part_problems, read_part_tensors
from zoo.errors import BankError, listing, printable
from zoo.schema.base import MAX_DIM


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
        """The bank's name (the mechanisms entry it was trained as, or ``<family>-<part>``)."""
        return str(self.meta.get("name", self.spec.name if self.spec is not None else "?"))

    @property
    def part(self) -> dict[str, Any] | None:
        """What a part bank holds (:mod:`zoo.banks.part`); None for a bank of one mechanisms entry."""
        part = self.meta.get("part")
        return part if isinstance(part, dict) else None

    def __repr__(self) -> str:
        """One line: name, family and kind, mechanism count, parameters, tensors and where it came from."""
        family = (self.meta.get("provenance") or {}).get("family") or "?"
        parameters = sum(t.numel() for t in self.tensors.values())
        what = f"{self.part['name']}" if self.part else f"{self.spec.kind} x {self.spec.count}"
        return printable(f"Bank({self.name!r}: {family} {what}, {parameters:,} parameters "
                         f"in {len(self.tensors)} tensors, from {self.origin or str(self.path)!r})", newlines=False)

    @property
    def metrics(self) -> dict[str, float]:
        """The metrics recorded when the bank was trained."""
        return dict(self.meta.get("metrics") or {})

    def module(self) -> torch.nn.Module:
        """The bank as a ready block (weights loaded)."""
        if self.part:
            raise BankError(f"{self.name}: a part bank is loaded into a model, not used alone: compose it "
                            "(zoo compose SPEC --bank ...) or list it under a spec's pretrained")
        m = bank_module(self.spec, self.ports)
        m.load_state_dict(self.tensors, strict=True)
        return m

    def save_pretrained(self, directory: str | os.PathLike[str]) -> Path:
        """Write this bank as a bank directory (the same bytes as the directory it was loaded from, its
        card as generated; tensors are moved to CPU and made contiguous when written)."""
        return write_bank(Path(directory), self.meta, self.tensors)


def load_dir(directory: Path, origin: str | None = None, links_within: Path | None = None,
             check_all: bool = False) -> Bank:
    """Load the bank directory ``directory``, strictly checked against its ``spec.json``.

    Args:
        directory: the bank directory.
        origin: where it came from (``hf://org/name@<commit>``), for a Hub bank.
        links_within: the huggingface_hub cache, whose snapshot files are links into it.
        check_all: also check the card's sha256 (for downloads: a garbled copy is caught).
    """
    meta = read_config(directory, links_within)
    if is_part_bank(meta):
        problems = part_problems(meta)
        if problems:
            raise BankError(f"{directory / CONFIG}:{listing(problems)}")
        tensors = read_part_tensors(directory, meta, links_within, check_all)
        return Bank(None, meta["ports"], tensors, meta, directory, origin)
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
