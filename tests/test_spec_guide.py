"""Every spec in docs/spec-guide.md passes ``zoo validate``, and the guide covers every family and a graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_readme import blocks
from zoo.cli import main
from zoo.schema import loads_spec

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "spec-guide.md"
SPECS = blocks(GUIDE.read_text(), "yaml")


def test_guide_covers_every_family_and_a_graph():
    kinds = {loads_spec(text).model.kind for text in SPECS}
    assert kinds >= {"comet", "hypernetwork", "rims", "slot_vae", "graph"}


@pytest.mark.parametrize("text", SPECS, ids=lambda t: loads_spec(t).name)
def test_guide_spec_validates(text, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    r = CliRunner().invoke(main, ["validate", str(spec)])
    assert r.exit_code == 0 and r.output.startswith("ok: "), r.output
