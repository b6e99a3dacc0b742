"""K independent GRU or LSTM cells stored as grouped weights and stepped in one batched product.

Gate layout and initialisation follow ``torch.nn.GRUCell`` / ``torch.nn.LSTMCell`` (gates r, z, n and
i, f, g, o; U(-1/sqrt(hidden), 1/sqrt(hidden))), so cell k equals a torch cell given the same weights.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from zoo.nn.chrono import chrono_init, chrono_init_gru


class _GroupedCell(nn.Module):
    gates = 1

    def __init__(self, count: int, in_dim: int, hidden: int):
        super().__init__()
        self.count, self.in_dim, self.hidden = count, in_dim, hidden
        g = self.gates * hidden
        self.weight_ih = nn.Parameter(torch.empty(count, in_dim, g))
        self.weight_hh = nn.Parameter(torch.empty(count, hidden, g))
        self.bias_ih = nn.Parameter(torch.empty(count, g))
        self.bias_hh = nn.Parameter(torch.empty(count, g))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def project_input(self, x: torch.Tensor) -> torch.Tensor:
        """Input projection of every cell without the bias: x (..., K, in) -> (..., K, G)."""
        lead = x.shape[:-2]
        flat = x.reshape(-1, self.count, self.in_dim).transpose(0, 1)  # (K, P, in)
        return torch.bmm(flat, self.weight_ih).transpose(0, 1).reshape(*lead, self.count, -1)

    def _hidden(self, h: torch.Tensor) -> torch.Tensor:
        """Hidden projection with its bias: h (B, K, H) -> (B, K, G), one batched product."""
        return torch.baddbmm(self.bias_hh.unsqueeze(1), h.transpose(0, 1), self.weight_hh).transpose(0, 1)

    def _input(self, x: torch.Tensor) -> torch.Tensor:
        """Input projection with its bias: x (B, K, in) -> (B, K, G), one batched product."""
        return torch.baddbmm(self.bias_ih.unsqueeze(1), x.transpose(0, 1), self.weight_ih).transpose(0, 1)

    def extra_repr(self) -> str:
        return f"count={self.count}, in_dim={self.in_dim}, hidden={self.hidden}"


class GroupedGRUCell(_GroupedCell):
    """K GRU cells: ``x (B, K, in), h (B, K, H) -> h' (B, K, H)``."""

    gates = 3
    memory = False  # the state is h alone

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        return self._gates(self._input(x), h)

    def chrono(self, horizon: int) -> None:
        """Chrono initialisation of every cell's update gate (see :func:`~zoo.nn.chrono.chrono_init_gru`)."""
        chrono_init_gru(self.bias_ih, self.bias_hh, horizon)

    def step(self, px: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """One step from a precomputed input projection ``px`` (B, K, 3H) (see project_input)."""
        return self._gates(px + self.bias_ih, h)

    def _gates(self, gi: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = self._hidden(h).chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(torch.addcmul(i_n, r, h_n))
        return torch.lerp(n, h, z)  # (1 - z) * n + z * h


class GroupedLSTMCell(_GroupedCell):
    """K LSTM cells: ``x (B, K, in), (h, c) (B, K, H) each -> (h', c')``."""

    gates = 4
    memory = True  # the state is (h, c): a cell memory beside the output

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        return self._gates(self._input(x), state)

    def chrono(self, horizon: int) -> None:
        """Chrono initialisation of every cell's forget and input gates (see :func:`~zoo.nn.chrono.chrono_init`)."""
        chrono_init(self.bias_ih, self.bias_hh, horizon)

    def step(self, px: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """One step from a precomputed input projection ``px`` (B, K, 4H) (see project_input)."""
        return self._gates(px + self.bias_ih, state)

    def _gates(self, gi: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        h, c = state
        i, f, g, o = (gi + self._hidden(h)).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class CellBank(nn.Module):
    """A bank of M recurrent cells used as mechanisms: each updates the same state with the same input.

    ``state (..., S), x (..., in) -> (..., M, S)`` where S = hidden (GRU) or 2 x hidden ([h, c], LSTM).

    Args:
        cell: the grouped cell class (:class:`GroupedGRUCell` or :class:`GroupedLSTMCell`).
        count: M.
        in_dim: input width (0: no input besides the state).
        hidden: cell width.
    """

    def __init__(self, cell: type[_GroupedCell], count: int, in_dim: int, hidden: int):
        super().__init__()
        self.count, self.hidden = count, hidden
        self.in_dim = max(in_dim, 1)
        self.cell = cell(count, self.in_dim, hidden)

    def forward(self, state: torch.Tensor, x: torch.Tensor | None = None) -> torch.Tensor:
        lead = state.shape[:-1]
        s = state.reshape(-1, 1, state.shape[-1]).expand(-1, self.count, -1)  # (P, M, S)
        if x is None:
            x = state.new_zeros(*lead, self.in_dim)
        inp = x.reshape(-1, 1, self.in_dim).expand(-1, self.count, -1)  # (P, M, in)
        if not self.cell.memory:
            out = self.cell(inp, s)
        else:
            h, c = self.cell(inp, (s[..., : self.hidden], s[..., self.hidden :]))
            out = torch.cat([h, c], dim=-1)
        return out.reshape(*lead, self.count, out.shape[-1])
