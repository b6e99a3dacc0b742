"""Commented starter specs, one per family (each family registers its own) and one for a custom graph,
written by ``zoo init STARTER``."""

from __future__ import annotations

import os
from pathlib import Path

from zoo.errors import ZooError
from zoo.registry import STARTERS
from zoo.schema.catalogue import catalogue_dir

HERE = Path(__file__).resolve().parent
STARTERS.register("graph", HERE / "graph.yaml")  # a model written as an explicit dataflow graph
PLACEHOLDER = "SCHEMA_PATH"


def starter_names() -> list[str]:
    """Every starter: the families' (sorted), then ``graph``."""
    return [n for n in STARTERS.names() if n != "graph"] + ["graph"]


def schema_file() -> Path:
    """The committed JSON Schema of specs (beside the catalogue, in a checkout and in a wheel)."""
    return catalogue_dir().parent / "zoo.schema.json"


def starter(family: str, out: str | os.PathLike[str] | None = None) -> str:
    """The starter spec ``family`` (one of :data:`STARTERS`); its modeline points at the schema relative to
    ``out`` (or the cwd).

    Raises:
        ZooError: an unknown starter (the message lists the known ones).
    """
    if family not in STARTERS:
        raise ZooError(f"unknown starter {family!r}; expected one of: {', '.join(starter_names())}")
    path = Path(STARTERS.get(family))
    base = Path(out).resolve().parent if out else Path.cwd()
    try:
        schema = Path(os.path.relpath(schema_file(), base)).as_posix()
    except ValueError:  # another drive (Windows)
        schema = schema_file().as_posix()
    return path.read_text().replace(PLACEHOLDER, schema, 1)
