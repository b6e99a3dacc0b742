"""Every catalogue spec validates, compiles, and runs forward and backward at a tiny batch without NaN."""

from __future__ import annotations

import pytest
import torch

from zoo import compile_spec
from zoo.compiler.lower import example_inputs
from zoo.schema import catalogue, load_spec


@pytest.mark.parametrize("entry", catalogue(), ids=lambda e: e.name)
def test_catalogue_spec_compiles_and_runs(entry):
    torch.manual_seed(0)
    spec = load_spec(entry.path)
    model = compile_spec(spec)
    out = model(**example_inputs(model, batch=2, sizes={name: 4 for name in model.input_types}))
    floats = [v for v in out.values() if v.is_floating_point()]
    assert floats, "the model has no float output"
    for name, v in out.items():
        if v.is_floating_point():
            assert torch.isfinite(v).all(), f"output {name} has NaN/inf"
    sum(v.float().square().mean() for v in floats).backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert grads and all(g is not None and torch.isfinite(g).all() for g in grads)


def test_catalogue_files_declare_the_editor_schema():
    for entry in catalogue():
        first = entry.path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), entry.name
