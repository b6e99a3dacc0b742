"""Linear and MLP hypernetwork blocks: hand-computed outputs, per-layer embeddings, fixed layers,
batching, scale."""

import math

import pytest
import torch

from zoo.nn.hypernetwork import LinearHypernetwork, MLPHypernetwork, rescale


def test_linear_hypernetwork_by_hand():
    # K=2, widths [2, 1]: z = (3, 4) -> sqrt(2)/5 (3, 4); W = sqrt(2)/5 (3 (1, 2) + 4 (3, 4)) = sqrt(2)/5 (15, 22)
    h = LinearHypernetwork(2, [2, 1])
    with torch.no_grad():
        h.thetas["0"].copy_(torch.tensor([[[1.0], [2.0]], [[3.0], [4.0]]]))
        h.gain.fill_(2.0)
        h.bias.fill_(0.5)
    out = h(torch.tensor([[1.0, 1.0]]), torch.tensor([3.0, 4.0]))
    assert out.item() == pytest.approx(2 * (15 + 22) / 5 + 0.5)  # (x W / sqrt(2)) * gain + bias


def test_per_layer_rows_generate_their_own_layer():
    h = LinearHypernetwork(3, [4, 5, 2], per_layer=True)
    z = torch.randn(2, 3)
    w = h.generate(z)
    zr = rescale(z)
    assert torch.allclose(w[0], torch.einsum("k,kab->ab", zr[0], h.thetas["0"]))
    assert torch.allclose(w[1], torch.einsum("k,kab->ab", zr[1], h.thetas["1"]))
    assert torch.allclose(zr.norm(dim=-1), torch.full((2,), math.sqrt(3)))


@pytest.mark.parametrize("cls", ["linear", "mlp"])
@pytest.mark.parametrize("per_layer", [False, True])
def test_batched_embeddings_match_one_at_a_time(cls, per_layer):
    torch.manual_seed(0)
    widths = [6, 7, 3]
    h = LinearHypernetwork(4, widths, per_layer=per_layer) if cls == "linear" else MLPHypernetwork(4, widths, [16], per_layer=per_layer)
    x = torch.randn(5, 9, 6)
    z = torch.randn(5, *h.embedding_shape)
    batched = h(x, z)
    single = torch.stack([h(x[i], z[i]) for i in range(5)])
    assert batched.shape == (5, 9, 3)
    assert torch.allclose(batched, single, atol=1e-6)


@pytest.mark.parametrize("cls", ["linear", "mlp"])
def test_generated_weights_start_near_unit_scale(cls):
    torch.manual_seed(0)
    h = LinearHypernetwork(8, [16, 32, 8]) if cls == "linear" else MLPHypernetwork(8, [16, 32, 8], [64])
    weights = torch.cat([w.flatten() for w in h.generate(torch.randn(8)).values()])
    assert 0.3 < weights.std().item() < 3.0


def test_gradients_reach_templates_and_embedding():
    h = LinearHypernetwork(3, [4, 5, 2], per_layer=True)
    z = torch.randn(2, 3, requires_grad=True)
    h(torch.randn(10, 4), z).pow(2).sum().backward()
    assert z.grad is not None and z.grad.abs().sum() > 0
    assert all(t.grad is not None and t.grad.abs().sum() > 0 for t in h.thetas.values())


@pytest.mark.parametrize("cls", ["linear", "mlp"])
def test_only_the_listed_layers_are_generated(cls):
    torch.manual_seed(0)
    kw = {"per_layer": True, "generated": [0]}
    h = LinearHypernetwork(3, [4, 5, 2], **kw) if cls == "linear" else MLPHypernetwork(3, [4, 5, 2], [8], **kw)
    assert h.embedding_shape == (1, 3) and list(h.weights) == ["1"]
    z1, z2 = torch.randn(1, 3), torch.randn(1, 3)
    w1, w2 = h.layer_weights(z1), h.layer_weights(z2)
    assert torch.equal(w1[1], h.weights["1"]) and torch.equal(w2[1], h.weights["1"])
    assert not torch.allclose(w1[0], w2[0])
    x = torch.randn(6, 4)
    expected = torch.relu(x @ w1[0] / 2) @ w1[1] / 5**0.5
    assert torch.allclose(h(x, z1), expected, atol=1e-6)


def test_output_is_scale_free_in_the_embedding_and_targets_are_not_saved():
    torch.manual_seed(0)
    h = LinearHypernetwork(4, [3, 5, 2])
    x, z = torch.randn(5, 3), torch.tensor([3.0, 0.0, 0.0, 4.0])
    torch.testing.assert_close(h(x, z), h(x, 10 * z))  # rescaled to norm sqrt(K) first
    assert not any(k.startswith("target") for k in h.state_dict())


@pytest.mark.parametrize("shots", [1, 50])
def test_the_fan_in_scale_gives_the_same_output_on_either_operand(shots):
    """The 1/sqrt(fan_in) scale goes on the weights or on the activations, whichever is smaller: same output."""
    torch.manual_seed(0)
    h = LinearHypernetwork(3, [4, 5, 2])
    z = torch.randn(3)
    w = h.layer_weights(z)
    x = torch.randn(shots, 4)
    expected = torch.relu(x @ w[0] / 2) @ w[1] / 5**0.5 * h.gain + h.bias
    torch.testing.assert_close(h(x, z), expected)
    torch.testing.assert_close(h(x.expand(3, -1, -1), z.expand(3, -1)), expected.expand(3, -1, -1))  # batched


def test_relu_and_product_fuse_only_for_large_activations(monkeypatch):
    """The fused ReLU-product runs where its saved memory matters (FUSE_MIN elements or more); both paths
    give the same outputs and gradients."""
    import zoo.nn.hypernetwork as hn

    calls = []
    monkeypatch.setattr(hn, "relu_product", lambda h, w: calls.append(h.numel()) or torch.relu(h) @ w)
    target = hn.TargetMLP([4, 8, 3], "relu")
    weights = [torch.randn(4, 8, requires_grad=True), torch.randn(8, 3, requires_grad=True)]
    small, large = torch.randn(16, 4), torch.randn(hn.FUSE_MIN // 8, 4)
    target.apply(small, weights)
    assert calls == []
    target.apply(large, weights)
    assert calls == [hn.FUSE_MIN]
    monkeypatch.undo()
    for x in (small, large):
        fused = target.apply(x, weights)
        plain = torch.relu(x @ weights[0] / 2.0) @ weights[1] / 8**0.5
        assert torch.allclose(fused, plain, atol=1e-5)
        assert all(torch.allclose(a, b, atol=1e-4) for a, b in zip(torch.autograd.grad(fused.sum(), weights),
                                                                   torch.autograd.grad(plain.sum(), weights)))
