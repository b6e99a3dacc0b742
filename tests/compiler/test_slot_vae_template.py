"""The slot_vae template and its node kinds: graph, shapes, errors with spec paths, forward/backward."""

import pytest
import torch

from zoo.compiler import checked_graph, compile_spec
from zoo.errors import SpecError
from zoo.schema import load_spec, loads_spec

TINY = ["model.image.size=8", "data.size=8", "model.cnn=[4, 8]", "model.strides=[1, 2]", "model.d_model=8",
        "model.heads=2", "model.query_dim=8", "model.hidden=8", "model.encoder_layers=1",
        "model.decoder_layers=1", "slots.count=3", "slots.dim=4"]
CATALOGUE = ["slotvae-sprites", "slotvae-sprites-noreg"]


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue_spec_runs_forward_and_backward(name):
    spec = load_spec(name, TINY)
    model = compile_spec(spec)
    assert set(model.output_types) == {"recon", "attention", "mu", "logvar", "z"}
    assert str(model.output_types["attention"]) == "(B, 64, 3)"
    torch.manual_seed(0)
    out = model(image=torch.rand(2, 3, 8, 8))
    assert out["recon"].shape == (2, 3, 8, 8) and out["z"].shape == (2, 3, 4)
    loss = sum(v.float().pow(2).mean() for v in out.values())
    loss.backward()
    assert torch.isfinite(loss)
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


def test_catalogue_specs_at_full_size_compile():
    for name in CATALOGUE:
        g = checked_graph(load_spec(name))
        assert [n for n in g.nodes] == ["image", "encoder", "sample", "decoder"]
        assert str(g.nodes["decoder"]["out_types"]["attention"]) == "(B, 1024, 5)"


def test_state_dict_names_follow_nodes():
    model = compile_spec(load_spec("slotvae-sprites", TINY))
    prefixes = {k.split(".")[0] for k in model.state_dict()}
    assert prefixes == {"encoder", "decoder"}


@pytest.mark.parametrize("grouping", ["transformer", "slot_attention"])
def test_eval_mode_is_deterministic_and_dynamo_captures_one_graph(grouping):
    model = compile_spec(load_spec("slotvae-sprites", TINY + [f"model.grouping={grouping}"])).eval()
    x = torch.rand(2, 3, 8, 8)
    a, b = model(image=x), model(image=x)
    assert torch.equal(a["z"], a["mu"]) and torch.equal(a["recon"], b["recon"])
    compiled = torch.compile(model, fullgraph=True, backend="eager")
    assert torch.allclose(compiled(image=x)["recon"], a["recon"], atol=1e-6)


BASE = """
name: t
model: {kind: slot_vae, image: {size: 8}, cnn: [4], strides: [1], d_model: 8, heads: 2}
slots: {count: 3, dim: 4}
"""


def test_missing_slots_is_reported_at_slots():
    spec = loads_spec(BASE.replace("slots: {count: 3, dim: 4}", ""))
    with pytest.raises(SpecError, match=r"slots: a slot_vae model needs slots"):
        checked_graph(spec)


def test_bad_model_fields_are_located():
    with pytest.raises(SpecError, match="strides has 2 entries but cnn has 1"):
        loads_spec(BASE.replace("strides: [1]", "strides: [1, 2]"))
    with pytest.raises(SpecError, match="d_model=8 must be divisible by heads=3"):
        loads_spec(BASE.replace("heads: 2", "heads: 3"))
    with pytest.raises(SpecError, match=r"model\.grouping.*'transformer' or 'slot_attention'"):
        loads_spec(BASE.replace("heads: 2", "heads: 2, grouping: slots"))


def test_node_kinds_work_in_an_explicit_graph():
    spec = loads_spec("""
name: g
slots: {count: 2, dim: 3}
model:
  kind: graph
  nodes:
    - {kind: input, name: x, shape: [3, 8, 8]}
    - {kind: slot_encoder, name: enc, cnn: [4], strides: [2], d_model: 8, heads: 2, grouping: slot_attention}
    - {kind: reparameterize, name: s}
    - {kind: slot_decoder, name: dec, size: 8, d_model: 8, query_dim: 8, hidden: 8, heads: 2, layers: 1}
  edges: [x -> enc.image, enc.mu -> s.mu, enc.logvar -> s.logvar, s -> dec.z]
  outputs: {recon: dec.recon, attention: dec.attention}
""")
    out = compile_spec(spec)(x=torch.rand(1, 3, 8, 8))
    assert out["recon"].shape == (1, 3, 8, 8) and out["attention"].shape == (1, 64, 2)


def test_encoder_needs_square_images_and_slots():
    spec = loads_spec("""
name: g
model:
  kind: graph
  nodes:
    - {kind: input, name: x, shape: [3, 8, 6]}
    - {kind: slot_encoder, name: enc, cnn: [4], strides: [1], d_model: 8, heads: 2}
  edges: [x -> enc.image]
  outputs: {mu: enc.mu}
""")
    with pytest.raises(SpecError, match="needs the top-level slots"):
        checked_graph(spec)
