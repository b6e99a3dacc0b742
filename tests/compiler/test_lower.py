"""lower: an fx GraphModule with printable code, node-named parameters, torch.compile support."""

from __future__ import annotations

import pytest
import torch

from zoo.compiler import compile_spec
from zoo.compiler.lower import example_inputs
from zoo.compiler.registry import KindDef, Ports, Registry
from zoo.compiler.kinds import DEFAULT
from zoo.schema import loads_spec


def test_code_is_printable_and_follows_topological_order(comet_yaml):
    model = compile_spec(loads_spec(comet_yaml))
    code = model.code
    assert "def forward(self, state)" in code
    assert code.index("self.context(") < code.index("self.bank(") < code.index("self.router(")


def test_state_dict_keys_follow_node_names(comet_yaml):
    keys = list(compile_spec(loads_spec(comet_yaml)).state_dict())
    assert {k.split(".")[0] for k in keys} == {"bank", "router"}
    assert "bank.mechanisms.weights.0" in keys


def test_forward_backward_and_types(comet_yaml):
    model = compile_spec(loads_spec(comet_yaml))
    out = model(**example_inputs(model, batch=3))
    assert out["candidates"].shape == (3, 4, 3, 4, 4) and out["logits"].shape == (3, 4, 3, 4)
    assert out["prediction"].shape == (3, 4, 4)
    (out["prediction"].sum() + out["logits"].logsumexp(-1).sum()).backward()
    assert all(p.grad is not None for p in model.parameters())
    assert model.output_types["candidates"].shape == (4, 3, 4, 4)


def test_torch_compile_fullgraph(comet_yaml):
    torch._dynamo.reset()
    model = compile_spec(loads_spec(comet_yaml))
    x = example_inputs(model)
    eager = model(**x)
    compiled = torch.compile(model, fullgraph=True, backend="aot_eager")(**x)
    for k in eager:
        assert torch.equal(eager[k], compiled[k]) or torch.allclose(eager[k], compiled[k], atol=1e-6)


def test_registry_refuses_duplicates_and_lists_known_kinds():
    with pytest.raises(ValueError, match="registered twice"):
        DEFAULT.extended([DEFAULT.get("mlp")])
    with pytest.raises(KeyError, match="unknown node kind 'nope'; known kinds: .*mechanism_bank"):
        DEFAULT.get("nope")
    extra = KindDef("twice", lambda n, s: Ports({}, ("out",)), lambda n, s, t: {}, lambda n, s, t: None)
    reg = DEFAULT.extended([extra])
    assert "twice" in reg and "twice" not in DEFAULT
    with pytest.raises(ValueError):
        Registry([extra, extra])
