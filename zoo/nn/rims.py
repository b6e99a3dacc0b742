"""Recurrent Independent Mechanisms (Goyal et al.): K recurrent cells that compete for the input.

One step, for K cells with hidden states h (B, K, H):

1. **Input attention.** Each cell queries the pair [input, null] (queries from its own state through
   its own weights). The null input is a vector of zeros; its key and value are the biases of the
   shared key/value maps, as in the reference implementations (the null key has a bias, so it is not
   the zero vector). The k cells that put the *least* attention on the null input are active.
2. **Update.** All K cells are computed as one grouped GRU/LSTM step on their attended input; only
   the active cells keep the result.
3. **Communication.** Active cells read from every cell's current state with multi-head attention,
   and add the result through a gated residual ``h + sigmoid(W_g h) * W_o attn``.
4. Inactive cells keep their previous state exactly (``torch.where``), so no gradient flows through
   their update.

Choices where the reference implementations differ or the paper is silent: activity is ranked by the
softmax attention on the null input (the definition) rather than the raw score to the input; scores
are averaged over input heads before the softmax, as in the reference code; communication keys and
values come from the states after the update of the active cells (inactive cells contribute their
kept state). Inputs must never be the zero vector by accident: token inputs go through an embedding
(so a 0 pixel is a learned vector, distinguishable from the null input).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from zoo.nn.grouped_rnn import GroupedGRUCell, GroupedLSTMCell


class GroupLinear(nn.Module):
    """K independent linear maps: (B, K, in) -> (B, K, out), one batched product."""

    def __init__(self, count: int, in_dim: int, out_dim: int, bias: bool = False):
        super().__init__()
        bound = 1.0 / math.sqrt(in_dim)
        self.weight = nn.Parameter(torch.empty(count, in_dim, out_dim).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(count, out_dim)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.einsum("bki,kio->bko", x, self.weight)
        return out + self.bias if self.bias is not None else out


class RIMsCell(nn.Module):
    """One RIMs step (see the module docstring).

    Args:
        in_dim: input width.
        count: number of cells K.
        active: number of active cells k.
        hidden: hidden width per cell.
        cell: "gru" or "lstm".
        key_dim, value_dim, heads: input attention sizes.
        comm_key_dim, comm_value_dim, comm_heads: communication attention sizes.
        dropout: dropout on both attention distributions.
    """

    def __init__(self, in_dim: int, count: int, active: int, hidden: int, cell: str = "gru",
                 key_dim: int = 64, value_dim: int = 64, heads: int = 1,
                 comm_key_dim: int = 32, comm_value_dim: int = 32, comm_heads: int = 4, dropout: float = 0.0):
        super().__init__()
        if not 1 <= active <= count:
            raise ValueError(f"active={active} must be between 1 and count={count}")
        self.count, self.active, self.hidden, self.kind = count, active, hidden, cell
        self.heads, self.key_dim, self.value_dim = heads, key_dim, value_dim
        self.comm_heads, self.comm_key_dim, self.comm_value_dim = comm_heads, comm_key_dim, comm_value_dim
        self.key = nn.Linear(in_dim, heads * key_dim)  # bias = the null input's key
        self.value = nn.Linear(in_dim, heads * value_dim)  # bias = the null input's value
        self.query = GroupLinear(count, hidden, heads * key_dim)
        self.cells = (GroupedGRUCell if cell == "gru" else GroupedLSTMCell)(count, value_dim, hidden)
        self.comm_query = GroupLinear(count, hidden, comm_heads * comm_key_dim)
        self.comm_key = GroupLinear(count, hidden, comm_heads * comm_key_dim)
        self.comm_value = GroupLinear(count, hidden, comm_heads * comm_value_dim)
        self.comm_out = GroupLinear(count, comm_heads * comm_value_dim, hidden)
        self.comm_gate = GroupLinear(count, hidden, hidden, bias=True)
        self.dropout = nn.Dropout(dropout)

    def select(self, x: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Input attention: (attended input (B, K, value_dim), active mask (B, K), P(null) (B, K))."""
        b = x.shape[0]
        keys = torch.stack([self.key(x), self.key.bias.expand(b, -1)], dim=1)  # (B, 2, heads*dk)
        values = torch.stack([self.value(x), self.value.bias.expand(b, -1)], dim=1)  # (B, 2, heads*dv)
        q = self.query(h).view(b, self.count, self.heads, self.key_dim)  # (B, K, heads, dk)
        k = keys.view(b, 2, self.heads, self.key_dim)
        scores = torch.einsum("bkhd,bnhd->bkn", q, k) / (self.heads * math.sqrt(self.key_dim))  # (B, K, 2)
        probs = torch.softmax(scores, dim=-1)  # [input, null]
        top = probs[..., 1].topk(self.active, dim=-1, largest=False).indices  # least attention on null
        mask = torch.zeros(b, self.count, dtype=torch.bool, device=x.device).scatter(1, top, True)
        v = values.view(b, 2, self.heads, self.value_dim).mean(dim=2)  # (B, 2, dv)
        attended = torch.einsum("bkn,bnd->bkd", self.dropout(probs), v)  # (B, K, dv)
        return attended, mask, probs[..., 1]

    def communicate(self, h: torch.Tensor) -> torch.Tensor:
        """Every cell attends to all cells' states; gated residual update (B, K, H)."""
        b, k = h.shape[:2]
        q = self.comm_query(h).view(b, k, self.comm_heads, self.comm_key_dim).transpose(1, 2)
        key = self.comm_key(h).view(b, k, self.comm_heads, self.comm_key_dim).transpose(1, 2)
        val = self.comm_value(h).view(b, k, self.comm_heads, self.comm_value_dim).transpose(1, 2)
        att = torch.softmax(q @ key.transpose(-1, -2) / math.sqrt(self.comm_key_dim), dim=-1)  # (B, h, K, K)
        ctx = (self.dropout(att) @ val).transpose(1, 2).reshape(b, k, -1)  # (B, K, h*dv)
        return h + torch.sigmoid(self.comm_gate(h)) * self.comm_out(ctx)

    def forward(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
        """x (B, in), h (B, K, H) [, c (B, K, H)] -> (h', c', active mask (B, K))."""
        attended, mask, _ = self.select(x, h)
        keep = mask.unsqueeze(-1)  # (B, K, 1)
        if self.kind == "gru":
            h_new, c_new = self.cells(attended, h), None
        else:
            h_new, c_new = self.cells(attended, (h, c))
        h_mid = torch.where(keep, h_new, h)  # inactive cells: exactly the old state, no gradient
        h_out = torch.where(keep, self.communicate(h_mid), h)
        c_out = torch.where(keep, c_new, c) if c is not None else None
        return h_out, c_out, mask


class RIMs(nn.Module):
    """Runs a :class:`RIMsCell` over a sequence (B, T, in) from a learned initial state.

    Returns the state sequence (B, T, K*H), the last state (B, K*H) and the activity (B, T, K).
    """

    def __init__(self, cell: RIMsCell):
        super().__init__()
        self.cell = cell
        self.h0 = nn.Parameter(torch.zeros(cell.count, cell.hidden))
        self.c0 = nn.Parameter(torch.zeros(cell.count, cell.hidden)) if cell.kind == "lstm" else None

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b, t = x.shape[:2]
        h = self.h0.expand(b, -1, -1)
        c = self.c0.expand(b, -1, -1) if self.c0 is not None else None
        states, masks = [], []
        for step in range(t):  # recurrence over time lives inside the node
            h, c, mask = self.cell(x[:, step], h, c)
            states.append(h)
            masks.append(mask)
        seq = torch.stack(states, dim=1).flatten(2)  # (B, T, K*H)
        return seq, seq[:, -1], torch.stack(masks, dim=1)


class SequenceLSTM(nn.Module):
    """The baseline: one ``nn.LSTM`` layer, same interface as :class:`RIMs` (activity: all ones)."""

    def __init__(self, in_dim: int, hidden: int):
        super().__init__()
        self.lstm = nn.LSTM(in_dim, hidden, batch_first=True)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        seq, _ = self.lstm(x)  # (B, T, H)
        return seq, seq[:, -1]
