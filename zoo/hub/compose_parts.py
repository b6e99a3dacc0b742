"""Composing part banks (RIMs cells, hypernetwork templates, a slot VAE's encoder and decoder) into a
spec: the one code path of ``zoo compose`` for every family whose bank is a part of its model.

Each bank's recorded structure (:mod:`zoo.banks.part`) is written into the spec, so the model is built
with the bank's shapes around the new task's own input and output layers, and the bank is added to
``pretrained`` (frozen but for the tensors its family keeps training, or ``train`` when given).
What the bank requires of the spec (e.g. a hypernetwork's teacher) must already agree.
"""

from __future__ import annotations

import copy
from typing import Any, Sequence

from zoo.errors import BankError, listing
from zoo.banks.part import set_path, structure_diffs, structure_of
from zoo.banks.part_bank import PART_KEY, part_problems


def compose_parts(data: dict[str, Any], sources: Sequence[Any], train: Sequence[str] | None = None) -> dict[str, Any]:
    """Spec data with every part bank of ``sources`` (:class:`zoo.hub.compose.Source`) composed in.

    Raises:
        BankError: a bank of another family, or one whose requirements the spec does not meet,
            naming the bank and every difference.
    """
    data = copy.deepcopy(data)
    family = data["model"]["kind"]
    entries = list(data.get("pretrained") or [])
    for s in sources:
        part = s.meta[PART_KEY]
        where = f"bank {s.ref!r} ({part.get('family')} {part.get('name')})"
        malformed = part_problems(s.meta)
        if malformed:
            raise BankError(f"{where}: its spec.json is malformed:{listing(malformed)}")
        if part.get("family") != family:
            raise BankError(f"{where} does not fit: the spec is a {family} model, the bank belongs to a "
                            f"{part.get('family')} model")
        required = part.get("requires") or {}
        problems = structure_diffs(required, structure_of(data, list(required)))
        if problems:
            raise BankError(f"{where} was trained on other data than this spec's:{listing(problems)}")
        for path, value in (part.get("structure") or {}).items():
            set_path(data, path, value)
        keep = part.get("trainable") or [] if train is None else list(train)
        entries.append({"source": s.pinned, "train": list(keep)})
    data["pretrained"] = entries
    return data
