"""Pretrained banks in a spec: resolve each ``kind: pretrained`` entry to the concrete bank spec saved
with it, and, after the model is built, load every sourced bank's weights into it (as timm loads
pretrained weights after ``create_model``). The compiler never reads a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from zoo.banks.bank import Bank, load_dir
from zoo.banks.format import CARD, WEIGHTS, bank_spec, check_tensors, read_config
from zoo.banks.integrity import recorded_digests
from zoo.banks.part_bank import load_part_into
from zoo.banks.refs import HUB_PREFIX, BankRef, find_local, parse_ref, remote, remote_session
from zoo.errors import BankError, Issue, SpecError, listing

STRUCTURE = ("kind", "count", "hidden", "activation", "inputs", "output")


def load_bank(ref: str | os.PathLike[str], base: Path | None = None) -> Bank:
    """Load a bank from a directory, a catalogue bank name or ``hf://org/name[@revision]``, strictly checked."""
    parsed = source_ref(str(ref), base)
    return remote().load(parsed) if parsed.remote else load_dir(parsed.path)


def saved_config(ref: BankRef) -> tuple[dict[str, Any], Path]:
    """The checked ``spec.json`` of a bank reference and the directory it lies in (a Hub bank is
    downloaded into the cache and verified whole first)."""
    if ref.remote:
        bank = remote().load(ref)
        return bank.meta, bank.path
    return read_config(ref.path), ref.path


def spec_dir(spec) -> Path | None:
    """The directory of the file ``spec`` was loaded from (relative bank paths start there)."""
    source = getattr(spec, "source", None)
    if source is not None and source.file and not source.file.startswith("<"):
        return Path(source.file).resolve().parent
    return None


def resolve_sources(spec):
    """``spec`` with every ``kind: pretrained`` bank replaced by the concrete spec saved with it.

    Raises:
        SpecError: a source that is missing, unreadable or not a bank, located at its spec path.
    """
    pretrained = [(i, b) for i, b in enumerate(spec.mechanisms) if b.kind == "pretrained"]
    if not pretrained:
        return spec
    banks = list(spec.mechanisms)
    refs, issues = source_refs({i: b.source for i, b in pretrained}, spec, "mechanisms")
    with remote_session(list(refs.values())):
        for i, ref in refs.items():
            b = spec.mechanisms[i]
            try:
                meta, directory = saved_config(ref)
                banks[i] = bank_spec(meta, directory, name=b.name, source=b.source, frozen=b.frozen)
            except BankError as e:
                issues.append(Issue(("mechanisms", i, "source"), str(e)))
                continue
            if b.sha256 is not None and (wrong := pin_mismatch(b.sha256, meta, directory)):
                issues.append(Issue(("mechanisms", i, "sha256"), wrong))
    if issues:
        raise SpecError(sorted(issues, key=lambda issue: issue.path))
    resolved = spec.model_copy(update={"mechanisms": tuple(banks)})
    resolved._source = spec.source
    return resolved


def pin_mismatch(pin: str, meta: dict[str, Any], directory: Path) -> str | None:
    """Why the bank in ``directory`` (its ``spec.json`` ``meta``) is not the one ``pin`` names, or None when it
    is: the sha256 its ``spec.json`` records for its weights (which loading checks against the file) must be
    ``pin``."""
    try:
        recorded = recorded_digests(meta, directory, (WEIGHTS, CARD)).get(WEIGHTS)
    except BankError as e:
        return str(e)
    if recorded is None:
        return (f"{directory}: records no sha256 of its weights (saved before banks recorded them), so it cannot "
                "be pinned; save it again or leave sha256 out")
    if recorded != pin:
        return (f"{directory}: its weights' sha256 is {recorded}, not the pinned {pin} (the bank was rebuilt or "
                "replaced); pin the new weights or use the bank the pin names")
    return None


def source_refs(sources: dict[int, str], spec, section: str) -> tuple[dict[int, BankRef], list[Issue]]:
    """The reference of each ``section[i].source`` of ``spec``, and an issue for each that names no bank."""
    refs, issues = {}, []
    for i, source in sources.items():
        try:
            refs[i] = source_ref(source, spec_dir(spec))
        except BankError as e:
            issues.append(Issue((section, i, "source"), str(e)))
    return refs, issues


def source_ref(source: str, base: Path | None = None) -> BankRef:
    """The bank reference a spec's ``source`` names: a directory (relative to ``base``, then to the
    working directory), a catalogue bank, or ``hf://org/name[@rev]`` (a Hub bank must say ``hf://``).

    Raises:
        BankError: none of these.
    """
    if not source.startswith(HUB_PREFIX) and find_local(source, base) is None:
        raise BankError(f"bank {source!r}: no such directory or catalogue bank (use a bank directory, "
                        "a catalogue bank name from `zoo banks list`, or hf://org/name@revision)")
    return parse_ref(source, base)


def load_pretrained(model: torch.nn.Module) -> torch.nn.Module:
    """Load the weights of every bank of ``model.spec`` that has a ``source`` into the built ``model``,
    checking structure, port widths, tensor names, shapes and dtypes first; returns ``model``."""
    spec = model.spec
    for name, node in getattr(model, "node_specs", {}).items():
        if node.kind != "mechanism_bank":
            continue
        bank = spec.bank(node.bank)
        if bank.source is not None:
            widths = {p: t.shape[-1] for p, t in model.node_types[name][0].items()}
            load_into(model.get_submodule(name), bank, widths, spec)
    return load_parts(model, spec)


def load_parts(model: torch.nn.Module, spec) -> torch.nn.Module:
    """Load every ``pretrained`` part bank of ``spec`` into the built ``model`` and freeze it but for
    its ``train`` entries (:func:`zoo.banks.part_bank.load_part_into`); returns ``model``.

    Raises:
        SpecError: a bank that cannot be found or read, or does not fit, at ``pretrained[i].source``.
    """
    entries = list(getattr(spec, "pretrained", ()) or ())
    refs, issues = source_refs({i: e.source for i, e in enumerate(entries)}, spec, "pretrained")
    with remote_session(list(refs.values())):
        for i, ref in refs.items():
            try:
                bank = remote().load(ref) if ref.remote else load_dir(ref.path)
            except BankError as e:
                issues.append(Issue(("pretrained", i, "source"), str(e)))
                continue
            if entries[i].sha256 is not None and (wrong := pin_mismatch(entries[i].sha256, bank.meta, bank.path)):
                issues.append(Issue(("pretrained", i, "sha256"), wrong))
                continue
            try:
                load_part_into(model, spec, i, bank)
            except BankError as e:
                issues.append(Issue(("pretrained", i, "source"), str(e)))
    if issues:
        source = getattr(spec, "source", None)
        error = SpecError(issues)
        raise (source.locate(error) if source is not None else error) from None
    return model


def load_into(module: torch.nn.Module, bank, widths: dict[str, int], spec) -> None:
    """Load ``bank.source`` into a freshly built bank block, checking structure and ports first."""
    loaded = load_bank(bank.source, spec_dir(spec))
    where = f"bank {bank.name!r} from {bank.source}"
    diffs = [f"{k}: spec says {getattr(bank, k, None)!r}, bank has {getattr(loaded.spec, k, None)!r}"
             for k in STRUCTURE if getattr(bank, k, None) != getattr(loaded.spec, k, None)]
    if loaded.ports != widths:
        diffs.append(f"port widths: the model feeds {widths}, the bank was trained on {loaded.ports}")
    if diffs:
        raise BankError(f"{where} does not fit:{listing(diffs)}")
    check_tensors(loaded.tensors, module.state_dict(), where)
    module.load_state_dict(loaded.tensors, strict=True)
