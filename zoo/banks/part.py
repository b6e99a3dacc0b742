"""Part banks: a named part of a family's model (RIMs cells, hypernetwork templates, a slot VAE's
encoder and decoder) saved as a bank and loaded into a model after it is built.

A family declares its part with :class:`BankPart`: the graph nodes whose tensors the bank holds, the
spec paths that fix their shapes (its *structure*), and the tensors that keep training when the bank
is composed. ``spec.json`` records all of it under ``part`` (with ``bank`` the model-only spec that
rebuilds the part, ``ports`` the shapes at its nodes), so loading needs no family code: the bank's
tensors are checked against the spec it was saved from, then against the model being built, by name
and shape, and every difference is named. Paths are dotted; a step into a list of named entries
(``mechanisms``, ``hypernetworks``) picks the entry by its name: ``mechanisms.cells.hidden``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from zoo.errors import BankError, listing

MODEL_SECTIONS = ("zoo", "name", "model", "slots", "mechanisms", "hypernetworks", "interactions", "router")
STRUCTURE_SECTIONS = MODEL_SECTIONS[2:]  # what a bank's structure may write into a spec: no data, no training


def _sources(value: Any) -> bool:
    if isinstance(value, dict):
        return any((k == "source" and v is not None) or _sources(v) for k, v in value.items())
    return isinstance(value, list) and any(_sources(v) for v in value)


def structure_problems(structure: dict[str, Any]) -> list[str]:
    """What a bank's recorded structure may not write into a spec: a path outside the model's sections
    (a bank never sets data, training or files), or a value naming a source."""
    problems = [f"part.structure path {p[:100]!r} is outside the model's sections ({', '.join(STRUCTURE_SECTIONS)})"
                for p in structure if p.split(".")[0] not in STRUCTURE_SECTIONS]
    return problems + [f"part.structure {p[:100]!r} names a source" for p, v in structure.items() if _sources(v)]


@dataclass(frozen=True)
class BankPart:
    """What a family's bank is.

    Attributes:
        family: the ``model.kind`` it belongs to.
        name: the part's name (``cells``, ``templates``, ``encoder_decoder``).
        nodes: graph nodes whose parameters the bank holds (state-dict prefixes).
        structure: spec paths whose values fix the part's shapes; composing writes them into a spec.
        trainable: state-dict prefixes of the part that keep training when it is composed.
        requires: spec paths (e.g. of the data) that must agree with the bank's training spec; composing
            checks them but never writes them.
        summary: one line for listings: what the bank holds.
    """

    family: str
    name: str
    nodes: tuple[str, ...]
    structure: tuple[str, ...]
    trainable: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    summary: str = ""


def _step(node: Any, key: str, path: str) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list):
        for entry in node:
            if isinstance(entry, dict) and entry.get("name") == key:
                return entry
        return None
    raise BankError(f"spec path {path!r}: {key!r} is not inside a mapping or a list of named entries")


def get_path(data: dict[str, Any], path: str) -> Any:
    """The value at the dotted ``path`` of spec data (None where it is missing)."""
    node: Any = data
    for key in path.split("."):
        if node is None:
            return None
        node = _step(node, key, path)
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Write ``value`` at the dotted ``path`` of spec data (an entry of a named list is replaced or added)."""
    *parents, last = path.split(".")
    node: Any = data
    for key in parents:
        child = _step(node, key, path)
        if child is None:
            child = {} if isinstance(node, dict) else {"name": key}
            if isinstance(node, dict):
                node[key] = child
            else:
                node.append(child)
        node = child
    if isinstance(node, dict):
        node[last] = copy.deepcopy(value)
        return
    for i, entry in enumerate(node):
        if isinstance(entry, dict) and entry.get("name") == last:
            node[i] = copy.deepcopy(value)
            return
    node.append(copy.deepcopy(value))


def structure_of(data: dict[str, Any], paths: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The values of ``paths`` in spec data, by path."""
    return {p: get_path(data, p) for p in paths}


def structure_diffs(bank: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """Every path whose value differs between a bank's recorded structure and a spec's. A setting that is
    unset (None) in one and absent from the other is no difference: a bank written before the schema
    gained an optional field records nothing for it."""
    return [f"{p}: the spec has {_short(spec.get(p))}, the bank {_short(v)}"
            for p, v in bank.items() if _set(spec.get(p)) != _set(v)]


def _set(value: Any) -> Any:
    """``value`` without its unset (None) entries, at any depth of dicts."""
    if isinstance(value, dict):
        return {k: _set(v) for k, v in value.items() if v is not None}
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def under(name: str, prefixes: tuple[str, ...] | list[str]) -> bool:
    """Whether the state-dict name ``name`` is one of ``prefixes`` or inside one."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def model_only(data: dict[str, Any]) -> dict[str, Any]:
    """Spec data without its data, training and pretrained sections: what rebuilds the model."""
    return {k: copy.deepcopy(v) for k, v in data.items() if k in MODEL_SECTIONS and v not in (None, [], ())}


def part_tensors(state: dict[str, Any], nodes: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The entries of a state dict that belong to ``nodes``."""
    return {k: v for k, v in state.items() if under(k, nodes)}


def check_fit(where: str, bank: dict[str, Any], model: dict[str, Any]) -> None:
    """Refuse bank tensors that are not exactly the model's part: names, then shapes.

    Raises:
        BankError: naming ``where`` and every tensor that is missing, extra or of another shape.
    """
    problems = [f"the model has no tensor {k!r}" for k in sorted(set(bank) - set(model))]
    problems += [f"the bank has no tensor {k!r}" for k in sorted(set(model) - set(bank))]
    problems += [f"{k!r}: the bank's is {tuple(bank[k].shape)}, the model's {tuple(model[k].shape)}"
                 for k in sorted(set(bank) & set(model)) if tuple(bank[k].shape) != tuple(model[k].shape)]
    if problems:
        raise BankError(f"{where} does not fit:{listing(problems)}")
