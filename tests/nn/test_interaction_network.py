"""InteractionNetwork and Residual blocks."""

from __future__ import annotations

import torch

from zoo.nn.interaction_network import InteractionNetwork
from zoo.nn.residual import FreeParameter, Residual


def test_masked_candidates_have_no_effect():
    torch.manual_seed(0)
    net = InteractionNetwork(3, 4, (8,), 5)
    x, ctx = torch.randn(2, 4, 3), torch.randn(2, 4, 6, 4)
    mask = torch.ones(2, 4, 6, dtype=torch.bool)
    mask[..., 3:] = False
    out = net(x, ctx, mask)
    ctx2 = ctx.clone()
    ctx2[..., 3:, :] = 100.0
    torch.testing.assert_close(out, net(x, ctx2, mask))
    assert out.shape == (2, 4, 3)


def test_interaction_network_golden_numbers():
    torch.manual_seed(0)
    net = InteractionNetwork(2, 3, (4,), 4)
    x, ctx = torch.linspace(-1, 1, 6).view(1, 3, 2), torch.linspace(0, 1, 18).view(1, 3, 2, 3)
    out = net(x, ctx, torch.ones(1, 3, 2, dtype=torch.bool))
    torch.testing.assert_close(out.sum(), torch.tensor(GOLDEN_IN), rtol=1e-5, atol=1e-5)


def test_residual_broadcasts_over_extra_axes():
    base, delta = torch.randn(2, 3, 4), torch.randn(2, 3, 5, 6, 4)
    torch.testing.assert_close(Residual(2)(base, delta), base[:, :, None, None] + delta)


def test_free_parameter_inits():
    assert torch.equal(FreeParameter((3,), "zeros")(), torch.zeros(3))
    assert torch.equal(FreeParameter((2,), "ones", 2.0)(), torch.full((2,), 2.0))


GOLDEN_IN = 0.14157801866531372
