"""Each family's bank part (:class:`zoo.banks.part.BankPart`), by family name; COMET's banks are
mechanisms entries and have none."""

from __future__ import annotations

from zoo.banks.part import BankPart
from zoo.families.hypernetwork.bank import PART as hypernetwork
from zoo.families.rims.bank import PART as rims
from zoo.families.slot_vae.bank import PART as slot_vae


def bank_parts() -> dict[str, BankPart]:
    """Every family's bank part, by ``model.kind``."""
    return {p.family: p for p in (rims, hypernetwork, slot_vae)}


def bank_part(family: str) -> BankPart | None:
    """The bank part of ``family`` (None for COMET and models without one)."""
    return bank_parts().get(family)
