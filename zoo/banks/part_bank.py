"""Saving a part of a built model as a bank, and loading part banks into a model after it is built.

The directory format is the mechanism banks' (``spec.json``, ``model.safetensors``, ``README.md``,
sha256 of each file, strict reads); what :mod:`zoo.banks.part` describes is recorded under ``part``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from zoo import __version__
from zoo.banks.format import WEIGHTS, check_files, check_tensors, declared_tensors, read_tensors, write_bank
from zoo.banks.meta import FORMAT, FORMAT_VERSION
from zoo.banks.part import (
    BankPart,
    check_fit,
    model_only,
    part_tensors,
    structure_diffs,
    structure_of,
    structure_problems,
    under,
)
from zoo.errors import BankError, listing
from zoo.schema.fingerprint import fingerprint
from zoo.schema.migrate import CURRENT_VERSION

PART_KEY = "part"


def is_part_bank(meta: dict[str, Any]) -> bool:
    """Whether a bank's ``spec.json`` describes a part bank (else it is one mechanisms entry)."""
    return isinstance(meta.get(PART_KEY), dict)


def _ports(model, nodes: tuple[str, ...]) -> dict[str, list[int | None]]:
    types = getattr(model, "node_types", {})
    ports = {}
    for node in nodes:
        ins, outs = types.get(node, ({}, {}))
        for side, table in (("in", ins), ("out", outs)):
            for port, t in table.items():
                ports[f"{node}.{side}.{port}"] = list(t.shape)
    return ports


def part_config(model, spec, part: BankPart, metrics: dict | None = None, provenance: dict | None = None) -> dict:
    """The ``spec.json`` content of ``part`` of a compiled model built from ``spec``."""
    data = spec.model_dump(mode="json")
    tensors = part_tensors(model.state_dict(), part.nodes)
    prov = {"spec_name": spec.name, "family": part.family,
            "environment": spec.data.model_dump(mode="json") if spec.data else None,
            "procedure": spec.train.procedure if spec.train else None,
            "seed": spec.train.seed if spec.train else None, "steps": spec.train.steps if spec.train else None,
            "spec_fingerprint": fingerprint(spec)}
    prov.update(provenance or {})
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "library": "mechzoo", "library_version": __version__,
        "schema_version": CURRENT_VERSION, "name": part.name,
        "bank": model_only(data),
        PART_KEY: {"family": part.family, "name": part.name, "nodes": list(part.nodes),
                   "structure": structure_of(data, part.structure),
                   "requires": structure_of(data, part.requires), "trainable": list(part.trainable),
                   "summary": part.summary},
        "ports": _ports(model, part.nodes),
        "tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype).removeprefix("torch.")} for k, v in tensors.items()},
        "metrics": {k: float(v) for k, v in (metrics or {}).items()},
        "provenance": prov,
    }


def save_part(model, spec, part: BankPart, directory: str | os.PathLike[str], metrics: dict | None = None,
              provenance: dict | None = None) -> Path:
    """Write ``part`` of a compiled model as a bank directory; returns its path."""
    config = part_config(model, spec, part, metrics, provenance)
    tensors = {k: v.detach().contiguous() for k, v in part_tensors(model.state_dict(), part.nodes).items()}
    return write_bank(Path(directory), config, tensors)


def read_part_tensors(directory: Path, meta: dict[str, Any], links_within: Path | None = None,
                      check_all: bool = False) -> dict[str, torch.Tensor]:
    """The tensors of the part bank in ``directory`` (whose ``spec.json`` is ``meta``), every name,
    shape and dtype checked against ``spec.json`` and every file against its recorded sha256.

    Raises:
        BankError: a file, digest, tensor name, shape or dtype that does not match.
    """
    expected = declared_tensors(meta, directory)
    tensors, raw = read_tensors(directory, links_within)
    check_tensors(tensors, expected, str(directory / WEIGHTS))
    check_files(directory, meta, raw, check_all, links_within)
    return tensors


def fit_problems(meta: dict[str, Any], spec) -> list[str]:
    """What differs between a part bank and the spec it is loaded into: family, then structure."""
    part = meta[PART_KEY]
    family = spec.model.kind
    if part.get("family") != family:
        return [f"family: the spec is a {family} model, the bank a {part.get('family')} {part.get('name')} bank"]
    data = spec.model_dump(mode="json")
    required = {p: v for p, v in (part.get("requires") or {}).items() if data.get(p.split(".")[0]) is not None}
    recorded = {**required, **(part.get("structure") or {})}
    return structure_diffs(recorded, structure_of(data, list(recorded)))


def part_problems(meta: dict[str, Any]) -> list[str]:
    """Everything wrong with the ``part`` record of an untrusted ``spec.json`` (empty when sound)."""
    part = meta[PART_KEY]
    texts = lambda v: isinstance(v, list) and all(isinstance(x, str) and 0 < len(x) <= 200 for x in v)  # noqa: E731
    problems = [f"part.{k} must be a string" for k in ("family", "name") if not isinstance(part.get(k), str)]
    problems += [f"part.{k} must be a list of names" for k in ("nodes", "trainable") if not texts(part.get(k, []))]
    problems += [f"part.{k} must map spec paths to values" for k in ("structure", "requires")
                 if not isinstance(part.get(k, {}), dict) or not texts(list(part.get(k, {})))]
    if not part.get("nodes"):
        problems.append("part.nodes must name at least one graph node")
    return problems or structure_problems(part.get("structure") or {})


def load_part_into(model: torch.nn.Module, spec, index: int, bank) -> None:
    """Load the part bank ``bank`` (a :class:`~zoo.banks.bank.Bank`, ``spec.pretrained[index]``) into
    ``model`` and freeze its tensors but for the entry's ``train`` prefixes.

    Raises:
        BankError: naming the bank and everything that differs (family, structure, tensor names, shapes).
    """
    where = f"bank {spec.pretrained[index].source!r}"
    if not is_part_bank(bank.meta):
        raise BankError(f"{where} is one mechanisms entry, not a part of a model: use it as a mechanisms entry "
                        "({kind: pretrained, source: ...})")
    problems = fit_problems(bank.meta, spec)
    if problems:
        raise BankError(f"{where} does not fit this spec:{listing(problems)}")
    nodes = tuple(bank.meta[PART_KEY]["nodes"])
    state = model.state_dict()
    check_fit(where, bank.tensors, part_tensors(state, nodes))
    model.load_state_dict({**state, **{k: v.to(state[k].device) for k, v in bank.tensors.items()}}, strict=True)
    keep = tuple(spec.pretrained[index].train)
    for name, p in model.named_parameters():
        if under(name, nodes) and not under(name, keep):
            p.requires_grad_(False)
