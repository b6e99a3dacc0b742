"""relu_product: relu(h) @ w with ReLU's backward written into the product's own gradient."""

from __future__ import annotations

import torch
from torch.func import vmap
from torch.profiler import ProfilerActivity, profile

from zoo.nn.relu_product import relu_product


def reference(h: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    return torch.relu(h) @ w


def test_first_and_second_derivatives_are_relu_then_product():
    torch.manual_seed(0)
    h = torch.randn(2, 5, 4, dtype=torch.double, requires_grad=True)
    w = torch.randn(2, 4, 3, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(relu_product, (h, w))
    assert torch.autograd.gradgradcheck(relu_product, (h, w))


def test_under_vmap_first_and_second_order_gradients_match():
    torch.manual_seed(0)
    h, w = torch.randn(3, 5, 4, requires_grad=True), torch.randn(3, 4, 2, requires_grad=True)

    def grads(fn, second: bool) -> list[torch.Tensor]:
        loss = vmap(lambda a, b: fn(a, b).square().sum())(h, w).sum()
        if not second:
            return list(torch.autograd.grad(loss, [h, w]))
        g = torch.autograd.grad(loss, w, create_graph=True)[0]
        return list(torch.autograd.grad(g.square().sum(), [h, w]))

    for second in (False, True):
        for ours, want in zip(grads(relu_product, second), grads(reference, second)):
            torch.testing.assert_close(ours, want)


def _peak_bytes(fn, h: torch.Tensor, w: torch.Tensor) -> int:
    """Peak of the CPU allocator's live bytes during one forward+backward."""
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn(h, w).sum().backward()
    live = peak = 0
    for e in sorted((e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"),
                    key=lambda e: e.start_ns()):
        live += e.nbytes()
        peak = max(peak, live)
    return peak


def test_the_backward_holds_one_activation_sized_gradient_less():
    torch.manual_seed(0)
    h, w = torch.randn(16, 256, 64, requires_grad=True), torch.randn(16, 64, 4, requires_grad=True)
    activation = h.numel() * 4
    ours, theirs = _peak_bytes(relu_product, h, w), _peak_bytes(reference, h, w)
    assert theirs - ours > 0.6 * activation, (ours, theirs, activation)
