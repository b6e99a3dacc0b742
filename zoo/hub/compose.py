"""Compose trained banks into a model for a new environment and train only the selector.

``compose_spec(spec, banks)`` rewrites a spec so that its mechanisms are the given banks (each a
``kind: pretrained`` entry, frozen; a COMET model runs them side by side with ``model.banks``).
Local banks are written as absolute paths and Hub banks are pinned to the commit they resolve to,
so the run's ``spec.yaml`` reproduces the composition exactly. ``compose`` then trains the spec's
``compose`` procedure, in which only the selector learns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from zoo.banks.format import read_config
from zoo.banks.part_bank import is_part_bank
from zoo.banks.refs import is_repo_ref, parse_ref
from zoo.errors import BankError, SpecError
from zoo.hub.compose_parts import compose_parts
from zoo.hub.network import shared_deadline
from zoo.hub.remote import REMOTE
from zoo.limits import DEFAULT_MAX_MEMORY_GIB
from zoo.schema import validate


@dataclass(frozen=True)
class Source:
    """One bank of a composition: the reference as written, pinned, and its ``spec.json``."""

    ref: str
    pinned: str
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.meta["name"])


def pin(ref: str | os.PathLike[str]) -> Source:
    """Resolve a bank reference (directory, catalogue name, ``org/name[@rev]``, ``hf://...``)."""
    text = str(ref)
    parsed = parse_ref(text)
    if not parsed.remote:
        return Source(text, str(parsed.path.resolve()), read_config(parsed.path))
    bank = REMOTE.load(parsed)  # read and checked while the download was verified
    return Source(text, bank.origin, bank.meta)


def _unique(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        candidate, k = n, 2
        while candidate in out:
            candidate, k = f"{n}_{k}", k + 1
        out.append(candidate)
    return out


def _compose_mechanisms(data: dict[str, Any], spec, sources: list[Source]) -> dict[str, Any]:
    """Spec data whose mechanisms entries are the mechanism banks ``sources`` (frozen)."""
    if data["model"]["kind"] == "comet":
        names = _unique([s.name for s in sources])
        data["model"].pop("bank", None)
        data["model"]["banks"] = names
    else:
        if len(sources) != len(spec.mechanisms):
            raise SpecError(f"this {data['model']['kind']} model has {len(spec.mechanisms)} mechanisms entries; "
                            f"give one --bank for each (got {len(sources)})", ("mechanisms",))
        names = [b.name for b in spec.mechanisms]
    data["mechanisms"] = [{"name": n, "kind": "pretrained", "source": s.pinned, "frozen": True}
                          for n, s in zip(names, sources)]
    return data


def compose_spec(spec, banks: Sequence[str | os.PathLike[str]], train: Sequence[str] | None = None):
    """``spec`` with its mechanisms replaced by ``banks`` (frozen), validated again.

    For a COMET model the banks run side by side (``model.banks``, mechanisms concatenated in the
    order given); for other models there must be one bank per mechanisms entry, replaced in order.
    Banks that are parts of a model (RIMs cells, hypernetwork templates, a slot VAE's encoder and
    decoder) are composed by :func:`zoo.hub.compose_parts.compose_parts`; ``train`` then replaces the
    bank tensors their family keeps training.
    """
    if not banks:
        raise SpecError("compose needs at least one --bank", ("mechanisms",))
    with shared_deadline(any(is_repo_ref(str(b)) for b in banks)):
        sources = [pin(b) for b in banks]
    data = spec.model_dump(mode="json")
    parts = [is_part_bank(s.meta) for s in sources]
    if any(parts):
        if not all(parts):
            raise BankError("compose either part banks (cells, templates, encoder and decoder) or mechanism "
                            "banks, not both")
        data = compose_parts(data, sources, train)
    else:
        data = _compose_mechanisms(data, spec, sources)
    try:
        composed = validate(data)
    except SpecError as e:  # about the composed spec, not a place in the file
        raise BankError(f"composing {', '.join(map(str, banks))} into {spec.name}:\n{e}") from None
    composed._source = spec.source
    return composed


def trainable_split(spec) -> tuple[int, int]:
    """(trainable, frozen) parameter counts of the model ``spec`` compiles to."""
    from zoo.train.build import build_model

    model = build_model(spec)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters()) - trainable


def require_compose(spec) -> None:
    """Refuse a spec that does not train with the ``compose`` procedure (before anything is built);
    a spec composed with part banks trains with its family's own procedure.

    Raises:
        SpecError: no train section, or another procedure.
    """
    if spec.train is not None and spec.model.kind not in ("comet", "graph", "interaction_network"):
        return  # part banks: only what the bank does not hold trains, by the family's procedure
    if spec.train is None:
        raise SpecError("zoo compose trains only the selector: the spec needs a train section with "
                        "procedure: compose (as in the catalogue spec comet-particles-compose)", ("train",))
    if spec.train.procedure != "compose":
        raise SpecError(f"zoo compose trains only the selector: train.procedure must be 'compose' "
                        f"(got {spec.train.procedure!r})", ("train", "procedure"))


def compose(spec, banks: Sequence[str | os.PathLike[str]], run_dir: str | Path | None = None,
            device: str = "cpu", progress: bool | None = None, resume: bool = False, overwrite: bool = False,
            threads: int | None = None, max_memory_gib: float | None = DEFAULT_MAX_MEMORY_GIB,
            train_parts: Sequence[str] | None = None):
    """Compose ``banks`` into ``spec``'s model and train its selector; returns the run's result.

    ``run_dir``, ``device``, ``progress``, ``resume``, ``overwrite``, ``threads`` and ``max_memory_gib``
    are :func:`zoo.train.train`'s; ``train_parts`` is :func:`compose_spec`'s ``train``.

    Raises:
        SpecError: the spec does not train with the ``compose`` procedure, or the banks do not fit.
    """
    from zoo.train import train

    require_compose(spec)
    composed = compose_spec(spec, banks, train_parts)
    return train(composed, run_dir=run_dir, device=device, progress=progress, resume=resume, overwrite=overwrite,
                 threads=threads, max_memory_gib=max_memory_gib)
