"""The catalogue: the YAML specs shipped with the library (``specs/`` in a checkout, ``zoo/specs`` in a wheel)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from zoo.errors import SpecError

SUFFIXES = (".yaml", ".yml", ".json")


def catalogue_dir() -> Path:
    """The directory holding the catalogue specs."""
    here = Path(__file__).resolve().parent.parent  # the zoo package
    for candidate in (here / "specs", here.parent / "specs"):
        if candidate.is_dir():
            return candidate
    return here / "specs"


@dataclass(frozen=True)
class CatalogueEntry:
    """One catalogue spec: its name (file stem) and path."""

    name: str
    path: Path


def catalogue() -> list[CatalogueEntry]:
    """Every catalogue spec, sorted by name."""
    root = catalogue_dir()
    if not root.is_dir():
        return []
    files = [p for p in root.iterdir() if p.suffix in SUFFIXES and p.is_file()]
    return [CatalogueEntry(p.stem, p) for p in sorted(files)]


def resolve(ref: str | os.PathLike[str]) -> Path:
    """A spec file path from a path or a catalogue name.

    Raises:
        SpecError: neither a file nor a catalogue name (the message lists the catalogue).
    """
    p = Path(ref)
    if p.exists():
        return p
    name = str(ref)
    if p.suffix in SUFFIXES or "/" in name or os.sep in name:
        raise SpecError(f"no such file: {name} (SPEC is a YAML/JSON spec file or a catalogue name; see `zoo list`)")
    for entry in catalogue():
        if entry.name == name:
            return entry.path
    names = ", ".join(e.name for e in catalogue()) or "(empty)"
    raise SpecError(f"{name!r} is neither a spec file nor a catalogue spec; the catalogue has: {names}")
