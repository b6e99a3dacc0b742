"""The catalogue's pretrained banks: ``banks/<spec name>/`` beside ``specs/``, loadable by name offline.

In a checkout they live in ``banks/`` at the top; in a wheel in ``zoo/banks/data``. A catalogue spec
with one trainable bank gives ``banks/<spec name>``; with several, ``banks/<spec name>.<bank>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def banks_dir() -> Path:
    """The directory holding the catalogue's banks."""
    here = Path(__file__).resolve().parent  # the zoo.banks package
    for candidate in (here / "data", here.parent.parent / "banks"):
        if candidate.is_dir():
            return candidate
    return here.parent.parent / "banks"


def catalogue_bank(name: str) -> Path | None:
    """The directory of the catalogue bank ``name`` (or ``banks/<name>``), None if there is none."""
    name = name.removeprefix("banks/")
    if not NAME.fullmatch(name):
        return None
    path = banks_dir() / name
    return path if (path / "spec.json").is_file() else None


@dataclass(frozen=True)
class CatalogueBank:
    """A committed catalogue bank: its name and directory."""

    name: str
    path: Path


def catalogue_banks() -> list[CatalogueBank]:
    """Every committed catalogue bank, sorted by name."""
    root = banks_dir()
    if not root.is_dir():
        return []
    return [CatalogueBank(p.name, p) for p in sorted(root.iterdir()) if (p / "spec.json").is_file()]
