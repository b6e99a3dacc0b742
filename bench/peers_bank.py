"""zoo's mechanism bank vs the same MLPs written directly on torch's grouped products.

* ``torch.bmm``: the bank's math as bare ``bmm`` calls plus bias adds and activations (no module, no
  reshapes beyond the needed ones): the floor a hand-written grouped MLP reaches; zoo's ratio to it is its
  overhead.
* ``torch._grouped_mm`` (private, PyTorch >= 2.8; on CPU where this build has it): one grouped product
  per layer over the same (M, P, in) operands. Where it is missing or refuses the operands or their
  gradients, the reason is recorded instead.

The per-mechanism Python loop is measured by :func:`perf_bank.bank_vs_loop`. Outputs are checked equal
before timing; forward+backward.
"""

from __future__ import annotations

from typing import Callable

import torch

import peers
from zoo.nn.bank import MechanismBank


def _bare(weights: list[torch.Tensor], biases: list[torch.Tensor], x: torch.Tensor,
          product: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """The bank's MLPs on x (P, in) with a given grouped product: -> (P, M, out)."""
    h = x.unsqueeze(0).expand(weights[0].shape[0], -1, -1)  # (M, P, in)
    for i, (w, b) in enumerate(zip(weights, biases)):
        h = product(h, w) + b.unsqueeze(1)
        if i < len(weights) - 1:
            h = torch.relu(h)
    return h.transpose(0, 1)


def _grouped(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch._grouped_mm(a.contiguous(), b)


def compare(count: int = 16, width: int = 16, batch: int = 32, device: str = "cpu", quick: bool = False,
            tag: str = "") -> tuple[dict[str, float], list[str]]:
    """Bank vs bare bmm and vs ``_grouped_mm``: ``bank_vs_bmm<tag>_speedup`` (bmm time / bank time), ..."""
    torch.manual_seed(0)
    bank = MechanismBank(count, width, (width,), width, "relu").to(device)
    x = torch.randn(batch, width, device=device)
    weights, biases = list(bank.weights), list(bank.biases)
    ours = lambda: bank(x)  # noqa: E731
    others = {"bmm": lambda: _bare(weights, biases, x, torch.bmm),
              "grouped_mm": lambda: _bare(weights, biases, x, _grouped)}
    notes, out = [], {}
    params = list(bank.parameters())
    step = lambda fn: peers.backward_step(params, fn)  # noqa: E731

    for name, fn in others.items():
        try:
            with torch.no_grad():
                peers.assert_same(ours(), fn(), f"bank vs {name}")
            step(fn)()
        except (AttributeError, RuntimeError, NotImplementedError) as e:
            notes.append(f"torch.{'_grouped_mm' if name == 'grouped_mm' else name} on {device}: "
                         f"{type(e).__name__}: {str(e).splitlines()[0][:120]}")
            continue
        out.update(peers.side_by_side(f"bank_{name}{tag}", step(ours), step(fn), device, repeat=5 if quick else 100,
                                      memory=False))
    return {k.replace("vs_bank_", "bank_vs_"): v for k, v in out.items()}, notes
