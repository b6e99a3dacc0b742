"""Hypernetworks: W(z) = sum_k z_k Theta_k, norm rescaling, batched embeddings, MLP variant."""

from __future__ import annotations

import math

import torch

from zoo.nn.hypernetwork import LinearHypernetwork, MLPHypernetwork


def test_linear_hypernetwork_generates_the_template_combination():
    torch.manual_seed(0)
    h = LinearHypernetwork(3, [4, 5, 2], act="relu", normalize=False)
    z = torch.tensor([1.0, 0.0, 2.0])
    w0, w1 = h.generate(z)
    torch.testing.assert_close(w0, h.thetas[0][0] + 2 * h.thetas[0][2])
    x = torch.randn(6, 4)
    expect = torch.relu(x @ w0 / 2.0) @ w1 / math.sqrt(5) + h.bias
    torch.testing.assert_close(h(x, z), expect, rtol=1e-5, atol=1e-6)


def test_embedding_is_rescaled_to_norm_sqrt_k():
    torch.manual_seed(0)
    h = LinearHypernetwork(4, [3, 2], normalize=True)
    z = torch.tensor([3.0, 0.0, 0.0, 4.0])
    (w,) = h.generate(z)
    torch.testing.assert_close(w, torch.einsum("k,kab->ab", z * 2 / 5, h.thetas[0]))
    x = torch.randn(5, 3)
    torch.testing.assert_close(h(x, z), h(x, 10 * z))  # scale-free in z


def test_batched_embeddings_run_one_target_per_example():
    torch.manual_seed(0)
    h = MLPHypernetwork(3, [4, 6, 2], hidden=(8,))
    x, z = torch.randn(5, 7, 4), torch.randn(5, 3)
    out = h(x, z)
    assert out.shape == (5, 7, 2)
    for b in range(5):
        torch.testing.assert_close(out[b], h(x[b], z[b]), rtol=1e-5, atol=1e-6)
    out.sum().backward()
    assert h.net.net[0].weight.grad is not None


def test_target_placeholders_are_not_saved():
    h = LinearHypernetwork(2, [3, 4, 1])
    assert all(not k.startswith("target") for k in h.state_dict())
