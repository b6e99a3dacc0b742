"""Golden numbers: every catalogue spec, compiled with a fixed seed, gives the recorded parameters and
forward outputs. A refactor that moves code must leave these unchanged; a deliberate change of a model's
initialisation or computation regenerates them with ``ZOO_REGEN_GOLDEN=1 python -m pytest tests/test_golden.py``
and says so in its commit."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
import torch

from zoo import compile_spec
from zoo.compiler.lower import example_inputs
from zoo.schema import catalogue, load_spec

GOLDEN = Path(__file__).parent / "golden" / "catalogue.json"
REGEN = os.environ.get("ZOO_REGEN_GOLDEN") == "1"


def fingerprint(name: str) -> dict[str, object]:
    """Checksums of one catalogue spec's state dict and of its outputs on seeded example inputs."""
    torch.manual_seed(0)
    model = compile_spec(load_spec(name))
    state = model.state_dict()
    layout = ";".join(f"{k}:{tuple(v.shape)}:{v.dtype}" for k, v in state.items())
    torch.manual_seed(1)
    inputs = example_inputs(model, batch=2, sizes={n: 4 for n in model.input_types})
    with torch.no_grad():
        out = model(**inputs)
    floats = {k: v.double() for k, v in sorted(out.items()) if v.is_floating_point()}
    return {
        "layout": hashlib.sha256(layout.encode()).hexdigest()[:16],
        "params_sum": sum(float(v.double().sum()) for v in state.values() if v.is_floating_point()),
        "params_sq": sum(float(v.double().square().sum()) for v in state.values() if v.is_floating_point()),
        "outputs": {k: [float(v.sum()), float(v.abs().sum())] for k, v in floats.items()},
    }


NAMES = [entry.name for entry in catalogue()]


@pytest.fixture(scope="module")
def recorded():
    if REGEN:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps({n: fingerprint(n) for n in NAMES}, indent=1, sort_keys=True) + "\n")
    return json.loads(GOLDEN.read_text())


def test_every_catalogue_spec_has_golden_numbers(recorded):
    assert sorted(recorded) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_catalogue_spec_matches_its_golden_numbers(name, recorded):
    got, want = fingerprint(name), recorded[name]
    assert got["layout"] == want["layout"], "parameter names, shapes or dtypes changed"
    assert got["params_sum"] == pytest.approx(want["params_sum"], rel=1e-6, abs=1e-6)
    assert got["params_sq"] == pytest.approx(want["params_sq"], rel=1e-6, abs=1e-6)
    assert sorted(got["outputs"]) == sorted(want["outputs"])
    for key, (total, magnitude) in want["outputs"].items():
        assert got["outputs"][key][0] == pytest.approx(total, rel=1e-5, abs=1e-4 * max(1.0, magnitude)), key
        assert got["outputs"][key][1] == pytest.approx(magnitude, rel=1e-5, abs=1e-5), key
