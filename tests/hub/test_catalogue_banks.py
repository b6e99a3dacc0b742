"""The catalogue's banks: which specs ``zoo banks build`` trains by default, and the committed banks."""

from __future__ import annotations

import json

from zoo.hub.catalogue import catalogue_banks, default_builds, trainable_banks
from zoo.schema import catalogue, load_spec


def test_default_build_is_the_quick_banks_only():
    names = default_builds()
    assert "comet-particles" in names and not any(n.startswith("rims-") for n in names)
    every = default_builds(everything=True)
    assert set(names) < set(every) and any(n.startswith("rims-") for n in every)
    for name in every:
        assert trainable_banks(load_spec(next(e.path for e in catalogue() if e.name == name)))


def test_committed_banks_carry_no_machine_paths():
    banks = catalogue_banks()
    assert banks, "no committed catalogue banks"
    for bank in banks:
        for f in ("spec.json", "README.md"):
            text = (bank.path / f).read_text(encoding="utf-8")
            assert "/work/" not in text and "/tmp/" not in text, f"{bank.name}/{f} names a machine path"
        json.loads((bank.path / "spec.json").read_text(encoding="utf-8"))
