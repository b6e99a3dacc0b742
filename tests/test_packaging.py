"""The wheel ships the catalogue specs and the JSON schema inside the package."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_the_catalogue(tmp_path):
    builders = pytest.importorskip("hatchling.builders.wheel")
    wheel = next(iter(builders.WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    names = zipfile.ZipFile(wheel).namelist()
    specs = sorted(p.name for p in (ROOT / "specs").glob("*.yaml"))
    assert specs and all(f"zoo/specs/{s}" in names for s in specs)
    assert "zoo/zoo.schema.json" in names and "zoo/cli.py" in names
    assert all(f"zoo/starters/{f}.yaml" in names for f in ("comet", "hypernetwork", "rims", "slot_vae", "graph"))
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "zoo = zoo.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
