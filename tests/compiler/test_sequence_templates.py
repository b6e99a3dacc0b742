"""The rims and lstm templates: wiring, shapes, errors."""

from __future__ import annotations

import math

import pytest
import torch

from zoo.compiler import compile_spec
from zoo.errors import SpecError
from zoo.schema import load_spec, loads_spec

RIMS = """\
zoo: 2
name: r
model: {kind: rims, input: {vocab: 3, embed: 4}, output: sequence, out: 5, comm_heads: 2}
mechanisms: [{name: cells, kind: lstm, count: 4, hidden: 6}]
router: {kind: top_k, k: 2, key_dim: 8, value_dim: 8}
"""


def test_rims_template_outputs_per_step_predictions_and_activity():
    model = compile_spec(loads_spec(RIMS))
    out = model(x=torch.randint(0, 3, (2, 7)))
    assert out["y"].shape == (2, 7, 5) and out["active"].shape == (2, 7, 4)
    assert (out["active"].sum(-1) == 2).all()
    assert {k.split(".")[0] for k in model.state_dict()} == {"embed", "rims", "head"}


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_rims_chrono_sets_the_cells_gate_biases(kind):
    """model.chrono reaches the cells: the GRU update / LSTM forget biases (gate 1 of each) are log U[1, 60]."""
    spec = RIMS.replace("kind: lstm", f"kind: {kind}")
    torch.manual_seed(0)
    plain = compile_spec(loads_spec(spec)).state_dict()
    torch.manual_seed(0)
    chrono = compile_spec(loads_spec(spec.replace("comm_heads: 2}", "comm_heads: 2, chrono: 61}"))).state_dict()
    gate = slice(6, 12)  # hidden 6: the second gate
    ih, hh = chrono["rims.cell.cells.bias_ih"][:, gate], chrono["rims.cell.cells.bias_hh"][:, gate]
    assert 0 <= ih.min() and ih.max() <= math.log(60) and not hh.any()
    assert plain["rims.cell.cells.bias_hh"][:, gate].any()
    assert not torch.equal(plain["rims.cell.cells.bias_ih"][:, gate], ih)


def test_rims_needs_top_k_router_and_k_at_most_count():
    with pytest.raises(SpecError, match="router: a rims model needs router: {kind: top_k"):
        compile_spec(loads_spec(RIMS.replace("{kind: top_k, k: 2, key_dim: 8, value_dim: 8}", "{kind: classifier}")))
    with pytest.raises(SpecError, match="router.k=5 exceeds the 4 cells"):
        compile_spec(loads_spec(RIMS.replace("k: 2", "k: 5")))


def test_inputs_are_tokens_or_features():
    with pytest.raises(SpecError, match="set exactly one of input.vocab"):
        compile_spec(loads_spec(RIMS.replace("{vocab: 3, embed: 4}", "{vocab: 3, features: 4}")))
    model = compile_spec(loads_spec(RIMS.replace("{vocab: 3, embed: 4}", "{features: 3}")))
    assert model(x=torch.randn(2, 5, 3))["y"].shape == (2, 5, 5)


def test_lstm_baseline_matches_rims_hidden_size():
    rims, lstm = load_spec("rims-digits"), load_spec("lstm-digits")
    assert lstm.model.hidden == rims.mechanisms[0].count * rims.mechanisms[0].hidden
    model = compile_spec(lstm)
    assert model(x=torch.randint(0, 2, (2, 9)))["y"].shape == (2, 10)


def test_a_null_token_is_the_rims_null_input_and_never_trains():
    """model.input.null_token embeds that token as zeros (untrained), so every cell's input attention on it
    is exactly one half: it wakes no cell by its content."""
    torch.manual_seed(0)
    model = compile_spec(loads_spec(RIMS.replace("{vocab: 3, embed: 4}", "{vocab: 3, embed: 4, null_token: 2}")))
    x = torch.tensor([[0, 2, 2, 1, 2]])
    model(x=x)["y"].square().sum().backward()
    assert not model.embed.weight[2].any() and not model.embed.weight.grad[2].any()
    assert model.embed.weight.grad[:2].any()
    cell = model.rims.cell
    keys, null_key, _, _ = cell.prepare(model.embed(x))
    probs, _ = cell.select(torch.randn(1, 4, 6), keys[:, 1], null_key)
    assert torch.equal(probs, torch.full_like(probs, 0.5))
    with pytest.raises(SpecError, match=r"null_token=3 is not a token of vocab=3 \(0..2\)"):
        loads_spec(RIMS.replace("{vocab: 3, embed: 4}", "{vocab: 3, embed: 4, null_token: 3}"))
    with pytest.raises(SpecError, match="null_token is for token inputs"):
        loads_spec(RIMS.replace("{vocab: 3, embed: 4}", "{features: 3, null_token: 0}"))


def test_an_embedding_node_refuses_a_null_token_outside_its_vocab():
    from pydantic import ValidationError

    from zoo.schema.graph import EmbeddingNode

    with pytest.raises(ValidationError, match=r"null_token=3 is not a token of vocab=3"):
        EmbeddingNode(kind="embedding", name="e", vocab=3, dim=2, null_token=3)
    assert EmbeddingNode(kind="embedding", name="e", vocab=3, dim=2, null_token=2).null_token == 2
