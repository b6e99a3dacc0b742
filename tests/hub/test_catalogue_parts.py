"""``zoo banks build`` for a family whose bank is a part of its model: deterministic bytes, listed."""

from __future__ import annotations

from zoo.families.parts import bank_part
from zoo.hub.info import describe
from zoo.hub.pretrained import from_pretrained
from zoo.hub.catalogue_build import build_part, write_index
from zoo.schema import load_spec

TINY = ["train.steps=2", "train.batch=4", "data.limit=40", "data.test_sizes=[]", "mechanisms[0].hidden=8"]


def test_a_part_bank_builds_to_the_same_bytes_twice(tmp_path):
    spec = load_spec("rims-digits-bank", TINY)
    first = build_part(spec, bank_part("rims"), tmp_path / "a" / "bank", tmp_path / "runs", False)
    second = build_part(spec, bank_part("rims"), tmp_path / "b" / "bank", tmp_path / "runs", False)
    names = sorted(p.name for p in first.iterdir())
    assert names == ["README.md", "model.safetensors", "spec.json"]
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)
    write_index(tmp_path / "a")
    assert "| `bank` | rims cells | sequential_digits | 2 |" in (tmp_path / "a" / "README.md").read_text()
    shown = describe(from_pretrained(first))
    assert "part: rims cells (RIMs cells with their input attention and communication), nodes rims" in shown
    assert "rims.cell.cells.weight_hh" in shown and "embed.weight" not in shown


def test_every_family_but_comet_has_a_part():
    assert bank_part("comet") is None
    assert {bank_part(f).family for f in ("rims", "hypernetwork", "slot_vae")} == {"rims", "hypernetwork", "slot_vae"}


def test_the_catalogue_has_banks_of_every_family_within_the_size_limits():
    from zoo.banks.catalogue import catalogue_banks
    from zoo.banks.format import read_config

    banks = catalogue_banks()
    families = {read_config(b.path)["provenance"]["family"] for b in banks}
    sizes = {b.name: sum(f.stat().st_size for f in b.path.iterdir()) for b in banks}
    assert len(banks) >= 10 and families == {"comet", "rims", "hypernetwork", "slot_vae"}
    assert max(sizes.values()) <= 5 * 2**20 and sum(sizes.values()) <= 30 * 2**20, sizes
