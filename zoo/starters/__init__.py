"""Commented starter specs, one per family, written by ``zoo init FAMILY``."""

from __future__ import annotations

import os
from pathlib import Path

from zoo.errors import ZooError

HERE = Path(__file__).resolve().parent
FAMILIES = ("comet", "hypernetwork", "rims", "slot_vae")
PLACEHOLDER = "SCHEMA_PATH"


def schema_file() -> Path:
    """The committed JSON Schema of specs (beside the catalogue, in a checkout and in a wheel)."""
    from zoo.schema.catalogue import catalogue_dir

    return catalogue_dir().parent / "zoo.schema.json"


def starter(family: str, out: str | os.PathLike[str] | None = None) -> str:
    """The starter spec of ``family``; its modeline points at the schema relative to ``out`` (or the cwd).

    Raises:
        ZooError: an unknown family (the message lists the known ones).
    """
    if family not in FAMILIES:
        raise ZooError(f"unknown family {family!r}; expected one of: {', '.join(FAMILIES)}")
    base = Path(out).resolve().parent if out else Path.cwd()
    try:
        schema = Path(os.path.relpath(schema_file(), base)).as_posix()
    except ValueError:  # another drive (Windows)
        schema = schema_file().as_posix()
    return (HERE / f"{family}.yaml").read_text().replace(PLACEHOLDER, schema, 1)
