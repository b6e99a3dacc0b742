"""Bank directories: save/load round trip, strict checks, pretrained references in specs."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file, save_file

from zoo import compile_spec
from zoo.errors import BankError, SpecError
from zoo.hub import load_bank, save_bank
from zoo.schema import loads_spec


@pytest.fixture
def saved(tmp_path, comet_yaml):
    torch.manual_seed(0)
    model = compile_spec(loads_spec(comet_yaml))
    path = save_bank(model, "bank", tmp_path / "bank", metrics={"nmi": 0.5})
    return model, path, comet_yaml


def test_round_trip(saved):
    model, path, _ = saved
    assert sorted(p.name for p in path.iterdir()) == ["README.md", "model.safetensors", "spec.json"]
    bank = load_bank(path)
    for k, v in model.bank.state_dict().items():
        assert torch.equal(bank.tensors[k], v)
    x, ctx = torch.randn(2, 4, 4), torch.randn(2, 4, 4, 5)
    torch.testing.assert_close(bank.module()(state=x, context=ctx), model.bank(state=x, context=ctx))
    meta = json.loads((path / "spec.json").read_text())
    assert meta["bank"]["count"] == 3 and meta["ports"] == {"state": 4, "context": 5}
    assert meta["metrics"] == {"nmi": 0.5} and meta["provenance"]["family"] == "comet"
    card = (path / "README.md").read_text()
    assert card.startswith("---\nlibrary_name: mechzoo") and "| nmi | 0.5 |" in card


def test_pretrained_reference_builds_frozen_bank(saved, comet_yaml):
    model, path, _ = saved
    text = comet_yaml.replace("{name: bank, kind: mlp, count: 3, hidden: [8], inputs: [self, context]}",
                              f"{{name: bank, kind: pretrained, source: '{path}'}}")
    composed = compile_spec(loads_spec(text))
    assert all(not p.requires_grad for p in composed.bank.parameters())
    assert all(p.requires_grad for p in composed.router.parameters())
    assert torch.equal(composed.bank.mechanisms.weights[0], model.bank.mechanisms.weights[0])


def test_declared_structure_must_match(saved, comet_yaml):
    _, path, _ = saved
    text = comet_yaml.replace("count: 3, hidden: [8]", f"count: 3, hidden: [9], source: '{path}'")
    with pytest.raises(BankError, match=r"hidden: spec says \(9,\), bank has \(8,\)"):
        compile_spec(loads_spec(text))


def test_missing_source_is_a_located_spec_error(comet_yaml, tmp_path):
    text = comet_yaml.replace("{name: bank, kind: mlp, count: 3, hidden: [8], inputs: [self, context]}",
                              f"{{name: bank, kind: pretrained, source: '{tmp_path / 'nope'}'}}")
    with pytest.raises(SpecError, match=r"mechanisms\[0\]\.source: bank .*no such directory"):
        compile_spec(loads_spec(text))


def _rewrite(path, fn):
    tensors = load_file(path / "model.safetensors")
    fn(tensors)
    save_file(tensors, path / "model.safetensors")


@pytest.mark.parametrize(
    "corrupt,message",
    [
        (lambda t: t.pop("mechanisms.biases.0"), "missing tensor 'mechanisms.biases.0'"),
        (lambda t: t.update(extra=torch.zeros(1)), "unexpected tensor 'extra'"),
        (lambda t: t.update({"mechanisms.weights.0": torch.zeros(3, 9, 7)}), r"has shape \(3, 9, 7\), expected \(3, 9, 8\)"),
        (lambda t: t.update({"mechanisms.weights.0": t["mechanisms.weights.0"].double()}), "has dtype torch.float64"),
        (lambda t: t["mechanisms.biases.1"].fill_(float("nan")), "contains NaN"),
    ],
)
def test_strict_loading_refuses_mismatched_weights(saved, corrupt, message):
    _, path, _ = saved
    _rewrite(path, corrupt)
    with pytest.raises(BankError, match=message):
        load_bank(path)


def test_non_safetensors_file_is_refused_without_unpickling(saved):
    _, path, _ = saved
    (path / "model.safetensors").write_bytes(b"\x80\x04\x95" + b"cos\nsystem\n" * 10)
    with pytest.raises(BankError, match="not a valid safetensors file"):
        load_bank(path)


def test_future_format_is_refused(saved):
    _, path, _ = saved
    meta = json.loads((path / "spec.json").read_text())
    meta["format_version"] = 99
    (path / "spec.json").write_text(json.dumps(meta))
    with pytest.raises(BankError, match="newer than this library"):
        load_bank(path)
