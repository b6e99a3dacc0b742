"""``relu(h) @ w`` whose backward keeps one activation-sized gradient instead of two.

Autograd's own backward of ``relu(h) @ w`` makes the gradient of ``relu(h)`` and then, from it, a second
tensor of the same size for the gradient of ``h`` (ReLU's backward is not in place), holding both with the
saved activation: three (..., N, hidden) tensors at once, the peak of a generated target MLP's backward. Here
the gradient of ``relu(h)`` is made by this function's own product and masked in place, so it becomes the
gradient of ``h`` (two such tensors and a boolean mask). Same math; differentiable again (the backward is made
of differentiable operations, so second-order meta-learning goes through it) and vmap-able.
"""

from __future__ import annotations

import torch


class _ReluProduct(torch.autograd.Function):
    """(h, w) -> (relu(h) @ w, relu(h)); relu(h) is an output so that, saved for the backward, a second-order
    backward reaches h through it (its gradient comes back as ``grad_a``)."""

    generate_vmap_rule = True  # torch.func.vmap (the meta-learning inner loop) runs it per task

    @staticmethod
    def forward(h: torch.Tensor, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        a = torch.relu(h)
        return a @ w, a

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(output[1], inputs[1])
        ctx.set_materialize_grads(False)  # no zero tensor for relu(h)'s gradient, None in a first-order backward

    @staticmethod
    def backward(ctx, grad: torch.Tensor | None, grad_a: torch.Tensor | None):
        a, w = ctx.saved_tensors
        if grad is None:  # only relu(h) was used further
            return (None if grad_a is None else torch.ops.aten.threshold_backward(grad_a, a, 0)), None
        grad_w = a.transpose(-1, -2) @ grad
        grad_h = grad @ w.transpose(-1, -2)  # a new tensor of this function's own
        if grad_a is not None:
            grad_h = grad_h + grad_a
        if torch.is_grad_enabled() or torch._C._functorch.is_batchedtensor(grad_h):
            # a backward that is itself differentiated (recorded), or run per task under vmap (which has no
            # batching rule for the out= form): the out-of-place form
            return torch.ops.aten.threshold_backward(grad_h, a, 0), grad_w
        # ReLU's backward written into grad_h itself (an elementwise op whose output is its input, as in place)
        return torch.ops.aten.threshold_backward.grad_input(grad_h, a, 0, grad_input=grad_h), grad_w


def relu_product(h: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """``torch.relu(h) @ w``: h (..., N, a), w (..., a, b) -> (..., N, b)."""
    return _ReluProduct.apply(h, w)[0]
