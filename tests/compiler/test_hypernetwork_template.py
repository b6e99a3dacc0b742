"""The hypernetwork template, per-layer embeddings, and graph specs for the meta-learning baselines."""

import pytest
import torch

from zoo.compiler import compile_spec
from zoo.errors import SpecError
from zoo.schema import loads_spec

HNET = """
name: t
model: {kind: hypernetwork}
hypernetworks: [{name: hnet, kind: %s, templates: 4, per_layer: %s, target: {input: 6, hidden: [5], output: 3}}]
"""


@pytest.mark.parametrize("kind", ["linear", "mlp"])
@pytest.mark.parametrize("per_layer", ["false", "true"])
def test_hypernetwork_model_compiles_and_runs(kind, per_layer):
    model = compile_spec(loads_spec(HNET % (kind, per_layer)))
    shape = (2, 4) if per_layer == "true" else (4,)
    assert model.get_parameter("embedding.value").shape == shape
    out = model(x=torch.randn(7, 6))["y"]
    assert out.shape == (7, 3) and torch.isfinite(out).all()
    out.sum().backward()
    assert model.get_parameter("embedding.value").grad is not None


def test_router_dim_must_match_templates():
    with pytest.raises(SpecError, match="router.dim"):
        compile_spec(loads_spec(HNET % ("linear", "false") + "router: {kind: task_embedding, dim: 5}\n"))


def test_graph_spec_with_feature_body_and_linear_head():
    spec = loads_spec("""
name: g
model:
  kind: graph
  nodes:
    - {name: x, kind: input, shape: [6]}
    - {name: body, kind: mlp, hidden: [8], out: 8, activate_output: true}
    - {name: head, kind: linear, out: 3}
  edges: ["x -> body.x", "body -> head.x"]
  outputs: {y: head}
""")
    model = compile_spec(spec)
    assert {n for n, _ in model.named_parameters()} >= {"head.weight", "head.bias", "body.net.0.weight"}
    assert isinstance(model.body.net[-1], torch.nn.ReLU)
    assert model(x=torch.randn(4, 6))["y"].shape == (4, 3)
