"""Chrono initialisation (Tallec & Ollivier, 2018): gate biases that make a recurrent cell remember over
1 to ``horizon`` steps from the start, instead of PyTorch's gates near 0.5 (what is stored halves every step).

Both functions work in place on biases of shape (..., gates * H) in PyTorch's gate layout, so they serve a
single cell (``nn.LSTM``: (4H,)) and a bank of K cells (``GroupedGRUCell``: (K, 3H)) alike.
"""

from __future__ import annotations

import torch


def _timescales(shape: torch.Size, horizon: int) -> torch.Tensor:
    """log(u), u ~ U[1, horizon - 1]: gate biases whose sigmoid keeps a state over about u steps."""
    return torch.log(torch.empty(shape).uniform_(1.0, horizon - 1.0))


@torch.no_grad()
def chrono_init(bias_ih: torch.Tensor, bias_hh: torch.Tensor, horizon: int) -> None:
    """An LSTM's gate biases (gates i, f, g, o): forget biases log(u) with u ~ U[1, horizon - 1], input biases
    their negatives; the other gates' biases are kept, ``bias_hh``'s i and f zeroed."""
    h = bias_ih.shape[-1] // 4
    forget = _timescales(bias_ih[..., h : 2 * h].shape, horizon)
    bias_ih[..., h : 2 * h] = forget
    bias_ih[..., :h] = -forget
    bias_hh[..., : 2 * h] = 0.0


@torch.no_grad()
def chrono_init_gru(bias_ih: torch.Tensor, bias_hh: torch.Tensor, horizon: int) -> None:
    """A GRU's gate biases (gates r, z, n; h' = (1 - z) * n + z * h): update biases log(u) with
    u ~ U[1, horizon - 1], so z = u / (1 + u) keeps the state and (1 - z) admits the new input, the GRU's
    forget and input gates in one; ``bias_hh``'s z zeroed, the r and n biases kept."""
    h = bias_ih.shape[-1] // 3
    bias_ih[..., h : 2 * h] = _timescales(bias_ih[..., h : 2 * h].shape, horizon)
    bias_hh[..., h : 2 * h] = 0.0
