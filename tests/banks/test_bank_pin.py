"""A spec pins a pretrained bank by the sha256 of its weights (``mechanisms[i].sha256``): the bank it names must
record exactly those weights, or the spec is refused at that path before anything is built or trained."""

from __future__ import annotations

import json
import shutil

import pytest

from zoo.banks.pretrained import resolve_sources
from zoo.errors import SpecError
from zoo.schema import load_spec
from zoo.banks.catalogue import catalogue_banks


def bank_copy(tmp_path, record: bool = True):
    """A copy of the catalogue's comet-particles bank (without its record of file digests if not ``record``),
    and the sha256 its spec.json records for its weights."""
    source = next(e.path for e in catalogue_banks() if e.name == "comet-particles")
    path = shutil.copytree(source, tmp_path / "bank")
    meta = json.loads((path / "spec.json").read_text())
    digest = meta["files"]["model.safetensors"]
    if not record:
        del meta["files"]
        (path / "spec.json").write_text(json.dumps(meta))
    return path, digest


def pinned(path, pin: str):
    return resolve_sources(load_spec("comet-particles-compose", [f"mechanisms[0].source={path}",
                                                                 f"mechanisms[0].sha256={pin}"]))


def test_the_pinned_weights_resolve(tmp_path):
    path, digest = bank_copy(tmp_path)
    assert pinned(path, digest).mechanisms[0].kind == "mlp"


def test_other_weights_are_refused_at_the_pin(tmp_path):
    path, digest = bank_copy(tmp_path)
    other = "ab" * 32
    with pytest.raises(SpecError, match=rf"mechanisms\[0\]\.sha256: .*bank: its weights' sha256 is {digest}, not the "
                                        rf"pinned {other} \(the bank was rebuilt or replaced\)"):
        pinned(path, other)


def test_a_bank_without_its_record_cannot_be_pinned(tmp_path):
    path, digest = bank_copy(tmp_path, record=False)
    with pytest.raises(SpecError, match=r"mechanisms\[0\]\.sha256: .*records no sha256 of its weights"):
        pinned(path, digest)
    assert resolve_sources(load_spec("comet-particles-compose", [f"mechanisms[0].source={path}"]))  # unpinned: loads


@pytest.mark.parametrize("pin", ["abc", "AB" * 32, "g" * 64])
def test_a_pin_that_is_no_sha256_is_refused_by_the_schema(pin):
    with pytest.raises(SpecError, match=r"mechanisms\[0\]\.sha256: String should match pattern"):
        load_spec("comet-particles-compose", [f"mechanisms[0].sha256={pin}"])


def part_pinned(pin: str):
    """The RIMs digits bank's own spec with the bank loaded back as its part bank, pinned to ``pin``."""
    from zoo.train.build import build_model

    spec = load_spec("rims-digits-bank", ["pretrained=[{source: rims-digits-bank, train: [], sha256: " + pin + "}]"])
    return build_model(spec)


def test_a_part_bank_is_pinned_the_same_way():
    recorded = json.loads((next(e.path for e in catalogue_banks() if e.name == "rims-digits-bank")
                           / "spec.json").read_text())["files"]["model.safetensors"]
    assert part_pinned(recorded) is not None
    with pytest.raises(SpecError, match=rf"pretrained\[0\]\.sha256: .*rims-digits-bank: its weights' sha256 is "
                                        rf"{recorded}, not the pinned {'ab' * 32}"):
        part_pinned("ab" * 32)
