"""The wheel ships the catalogue specs and the JSON schema inside the package, and no test scaffolding."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# what only tests use: their runner and strategies, a local HTTP server, and the scaffolding's own names
SCAFFOLDING = re.compile(rb"^\s*(import|from) (pytest|hypothesis|http\.server|tests)\b", re.M)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    builders = pytest.importorskip("hatchling.builders.wheel")
    out = tmp_path_factory.mktemp("wheel")
    return Path(next(iter(builders.WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"]))))


def test_wheel_contains_the_catalogue(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    specs = sorted(p.name for p in (ROOT / "specs").glob("*.yaml"))
    assert specs and all(f"zoo/specs/{s}" in names for s in specs)
    assert "zoo/zoo.schema.json" in names and "zoo/cli.py" in names
    assert "zoo/starters/graph.yaml" in names and "zoo/banks/data/comet-particles/spec.json" in names
    assert all(f"zoo/families/{f}/starter.yaml" in names for f in ("comet", "hypernetwork", "rims", "slot_vae"))
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "zoo = zoo.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_wheel_holds_no_test_scaffolding(wheel):
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert "zoo/plots/figure.py" in names  # the check below looks at the package's modules
    misplaced = [n for n in names if n.startswith(("tests/", "bench/", "zoo/testing/")) or n.endswith("conftest.py")
                 or Path(n).name.startswith("test_")]
    assert misplaced == []
    scaffolding = [n for n in names if n.endswith(".py") and SCAFFOLDING.search(archive.read(n))]
    assert scaffolding == [], f"modules that import test tools ship in the wheel: {scaffolding}"
