"""Recurrent Independent Mechanisms (Goyal et al.): K recurrent cells that compete for the input.

One step, for K cells with hidden states h (B, K, H):

1. **Input attention.** Each cell queries the pair [input, null] (queries from its own state through
   its own weights). The null input is a vector of zeros; its key and value are the biases of the
   shared key/value maps, as in the reference implementations (the null key has a bias, so it is not
   the zero vector). The k cells that put the *least* attention on the null input are active.
2. **Update.** All K cells are computed as one grouped GRU/LSTM step on their attended input; only
   the active cells keep the result.
3. **Communication.** Active cells read from every cell's current state with multi-head attention,
   and take the result through a gated residual ``h + g * (tanh(W_o attn) - h)`` with
   ``g = sigmoid(W_g h)``; the convex form keeps states bounded over hundreds of steps (an additive
   residual made them grow without bound on long sequences).
4. Inactive cells keep their previous state exactly (``torch.where``), so no gradient flows through
   their update.

Choices where the reference implementations differ or the paper is silent: activity is ranked by the
softmax attention on the null input (the definition; ``rank_by="input_score"`` ranks by the raw score to
the input instead, as the reference code does, so a null-keyed input wakes the cells whose states score
the null key highest rather than a tie); scores
are averaged over input heads before the softmax, as in the reference code; communication keys and
values come from the states after the update of the active cells (inactive cells contribute their
kept state). A float input of zeros *is* the null input, as in the reference code: its key and value
are the maps' biases, and the input and null scores come from one product, so they tie exactly, every
cell puts attention 1/2 on each, and the active cells are the ones ``torch.topk`` picks among equals
(the same ones at every such step on a device): blank pixels fed as 0.0 wake no cell by their content.
The zero initial state ties the same way at every sequence's first step (its queries are zero).
Token inputs go through an embedding, so a 0 token is a learned vector, distinguishable from the null
input.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from zoo.nn.chrono import chrono_init
from zoo.nn.grouped_rnn import GroupedGRUCell

GATE_BIAS = -3.0  # initial communication gate sigmoid(-3) ~ 0.05
RANKINGS = ("null_attention", "input_score")  # how the active cells are chosen (RIMsCell's rank_by)


class GroupLinear(nn.Module):
    """K independent linear maps: (B, K, in) -> (B, K, out), one batched product."""

    def __init__(self, count: int, in_dim: int, out_dim: int, bias: bool = False):
        super().__init__()
        bound = 1.0 / math.sqrt(in_dim)
        self.weight = nn.Parameter(torch.empty(count, in_dim, out_dim).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(count, out_dim)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xt = x.transpose(0, 1)  # (K, B, in)
        if self.bias is None:
            return torch.bmm(xt, self.weight).transpose(0, 1)
        return torch.baddbmm(self.bias.unsqueeze(1), xt, self.weight).transpose(0, 1)


class RIMsCell(nn.Module):
    """The RIMs step (see the module docstring), split so that everything that depends only on the
    input is computed for the whole sequence at once (:meth:`prepare`) and the per-step work
    (:meth:`step`) is what depends on the state.

    Args:
        in_dim: input width.
        count: number of cells K.
        active: number of active cells k.
        hidden: hidden width per cell.
        cell: the grouped cell class (:class:`~zoo.nn.grouped_rnn.GroupedGRUCell` or ``GroupedLSTMCell``).
        key_dim, value_dim, heads: input attention sizes.
        comm_key_dim, comm_value_dim, comm_heads: communication attention sizes.
        dropout: dropout on both attention distributions.
        chrono: chrono initialisation of the cells' gates for dependencies over up to this many steps
            (the cell class's ``chrono``); None keeps PyTorch's initialisation.
        rank_by: ``"null_attention"`` (the k cells with the least attention on the null input) or
            ``"input_score"`` (the k cells with the highest raw score to the input).
    """

    def __init__(self, in_dim: int, count: int, active: int, hidden: int, cell: type = GroupedGRUCell,
                 key_dim: int = 64, value_dim: int = 64, heads: int = 1,
                 comm_key_dim: int = 32, comm_value_dim: int = 32, comm_heads: int = 4, dropout: float = 0.0,
                 chrono: int | None = None, rank_by: str = "null_attention"):
        super().__init__()
        if not 1 <= active <= count:
            raise ValueError(f"active={active} must be between 1 and count={count}")
        if rank_by not in RANKINGS:
            raise ValueError(f"rank_by={rank_by!r} must be one of {RANKINGS}")
        self.rank_by = rank_by
        self.count, self.active, self.hidden = count, active, hidden
        self.heads, self.key_dim, self.value_dim = heads, key_dim, value_dim
        self.comm_heads, self.comm_key_dim, self.comm_value_dim = comm_heads, comm_key_dim, comm_value_dim
        self.key = nn.Linear(in_dim, heads * key_dim)  # bias = the null input's key
        self.value = nn.Linear(in_dim, heads * value_dim)  # bias = the null input's value
        self.query = GroupLinear(count, hidden, heads * key_dim)
        self.cells = cell(count, value_dim, hidden)
        if chrono is not None:
            self.cells.chrono(chrono)
        # communication: queries, keys, values and the gate from one grouped product
        self.comm_split = [comm_heads * comm_key_dim] * 2 + [comm_heads * comm_value_dim, hidden]
        self.comm_in = GroupLinear(count, hidden, sum(self.comm_split), bias=True)
        self.comm_out = GroupLinear(count, comm_heads * comm_value_dim, hidden)
        with torch.no_grad():  # the gate starts nearly closed: communication must earn its influence
            self.comm_in.bias[:, -hidden:].fill_(GATE_BIAS)
        self.dropout = nn.Dropout(dropout)

    def prepare(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Input-only work for a whole sequence x (B, T, in).

        Returns keys of the input (B, T, heads, dk), the null key (heads, dk), and the cells' input
        projections of the input's value (B, T, K, G) and of the null value (K, G).
        """
        b, t = x.shape[:2]
        keys = self.key(x).view(b, t, self.heads, self.key_dim)
        null_key = self.key.bias.view(self.heads, self.key_dim)
        values = self.value(x).view(b, t, self.heads, self.value_dim).mean(2)  # (B, T, dv)
        null_value = self.value.bias.view(self.heads, self.value_dim).mean(0)  # (dv,)
        px = self.cells.project_input(values.unsqueeze(2).expand(-1, -1, self.count, -1))  # (B, T, K, G)
        p_null = self.cells.project_input(null_value.expand(self.count, -1))  # (K, G)
        return keys, null_key, px, p_null

    def select(self, h: torch.Tensor, key: torch.Tensor, null_key: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Input attention of every cell: (P([input, null]) (B, K, 2), active mask (B, K))."""
        q = self.query(h).view(h.shape[0], self.count, self.heads, self.key_dim)  # (B, K, heads, dk)
        scale = self.heads * math.sqrt(self.key_dim)  # mean over heads of the scaled dot products
        pair = torch.stack([key, null_key.expand_as(key)], 1)  # (B, 2, heads, dk): one product scores both,
        scores = torch.einsum("bkhd,bjhd->bkj", q, pair) / scale  # so an input keyed as null ties exactly
        probs = torch.softmax(scores, dim=-1)  # (B, K, 2)
        if self.rank_by == "null_attention":
            top = probs[..., 1].topk(self.active, dim=-1, largest=False).indices  # least attention on null
        else:
            top = scores[..., 0].topk(self.active, dim=-1).indices  # highest raw score to the input
        mask = torch.zeros_like(probs[..., 0], dtype=torch.bool).scatter(1, top, True)
        return probs, mask

    def communicate(self, h: torch.Tensor) -> torch.Tensor:
        """Every cell attends to all cells' states; gated residual update (B, K, H) (module docstring)."""
        b, k = h.shape[:2]
        q, key, val, gate = self.comm_in(h).split(self.comm_split, dim=-1)
        q = q.view(b, k, self.comm_heads, self.comm_key_dim).transpose(1, 2)  # (B, heads, K, dk)
        key = key.view(b, k, self.comm_heads, self.comm_key_dim).transpose(1, 2)
        val = val.view(b, k, self.comm_heads, self.comm_value_dim).transpose(1, 2)
        att = torch.softmax(q @ key.transpose(-1, -2) / math.sqrt(self.comm_key_dim), dim=-1)  # (B, heads, K, K)
        ctx = (self.dropout(att) @ val).transpose(1, 2).reshape(b, k, -1)  # (B, K, heads*dv)
        # gated residual as a convex mix: the state stays bounded over hundreds of steps (in h's dtype:
        # under bf16 autocast the projections are bf16 while the state stays fp32)
        return torch.lerp(h, torch.tanh(self.comm_out(ctx)).to(h.dtype), torch.sigmoid(gate).to(h.dtype))

    def step(self, h: torch.Tensor, c: torch.Tensor | None, key: torch.Tensor, null_key: torch.Tensor,
             px: torch.Tensor, p_null: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
        """One step: h, c (B, K, H); key (B, heads, dk); px (B, K, G) -> (h', c', active mask (B, K))."""
        probs, mask = self.select(h, key, null_key)
        probs = self.dropout(probs)
        attended = probs[..., :1] * px + probs[..., 1:] * p_null  # the projection of the attended value
        keep = mask.unsqueeze(-1)  # (B, K, 1)
        if not self.cells.memory:
            h_new, c_new = self.cells.step(attended, h), None
        else:
            h_new, c_new = self.cells.step(attended, (h, c))
        h_mid = torch.where(keep, h_new, h)  # inactive cells: exactly the old state, no gradient
        h_out = torch.where(keep, self.communicate(h_mid), h)
        c_out = torch.where(keep, c_new, c) if c is not None else None
        return h_out, c_out, mask

    def forward(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
        """A single step: x (B, in), h (B, K, H) [, c] -> (h', c', active mask (B, K))."""
        keys, null_key, px, p_null = self.prepare(x.unsqueeze(1))
        return self.step(h, c, keys[:, 0], null_key, px[:, 0], p_null)


class RIMs(nn.Module):
    """Runs a :class:`RIMsCell` over a sequence (B, T, in) from a learned initial state.

    Returns the state sequence (B, T, K*H), the last state (B, K*H) and the activity (B, T, K).
    """

    def __init__(self, cell: RIMsCell):
        super().__init__()
        self.cell = cell
        self.h0 = nn.Parameter(torch.zeros(cell.count, cell.hidden))
        self.c0 = nn.Parameter(torch.zeros(cell.count, cell.hidden)) if cell.cells.memory else None

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b = x.shape[0]
        keys, null_key, px, p_null = self.cell.prepare(x)
        h = self.h0.expand(b, -1, -1)
        c = self.c0.expand(b, -1, -1) if self.c0 is not None else None
        states, masks = [], []
        # unbind once: slicing a step out of the whole sequence would cost a full-size gradient per step
        for key, proj in zip(keys.unbind(1), px.unbind(1)):  # recurrence over time lives inside the node
            h, c, mask = self.cell.step(h, c, key, null_key, proj, p_null)
            states.append(h)
            masks.append(mask)
        seq = torch.stack(states, dim=1).flatten(2)  # (B, T, K*H)
        return seq, seq[:, -1], torch.stack(masks, dim=1)


class SequenceLSTM(nn.Module):
    """The baseline: one LSTM layer, same interface as :class:`RIMs` (activity: all ones).

    The weights are ``nn.LSTM``'s (same names under ``lstm.``, same initialisation), held in a plain
    module: eager mode runs the fused kernel (``torch.lstm``); under ``torch.compile``, which cannot
    trace an ``nn.LSTM``, the same math runs as a loop over time.
    """

    def __init__(self, in_dim: int, hidden: int, chrono: int | None = None):
        super().__init__()
        self.hidden = hidden
        self.lstm = nn.Module()
        for name, p in nn.LSTM(in_dim, hidden, batch_first=True).named_parameters():
            self.lstm.register_parameter(name, p)  # weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0
        if chrono is not None:
            chrono_init(self.lstm.bias_ih_l0, self.lstm.bias_hh_l0, chrono)

    def _weights(self) -> list[torch.Tensor]:
        m = self.lstm
        return [m.weight_ih_l0, m.weight_hh_l0, m.bias_ih_l0, m.bias_hh_l0]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if torch.compiler.is_compiling():
            seq = self._unrolled(x)
        else:
            h0 = x.new_zeros(1, x.shape[0], self.hidden)
            seq = torch.lstm(x, (h0, h0), self._weights(), True, 1, 0.0, self.training, False, True)[0]  # (B, T, H)
        return seq, seq[:, -1]

    def _unrolled(self, x: torch.Tensor) -> torch.Tensor:
        """The LSTM's math (gates i, f, g, o) as a loop over time: (B, T, in) -> (B, T, H)."""
        w_ih, w_hh, b_ih, b_hh = self._weights()
        px = torch.nn.functional.linear(x, w_ih, b_ih + b_hh)  # (B, T, 4H)
        h = x.new_zeros(x.shape[0], self.hidden)
        c = torch.zeros_like(h)
        out = []
        for p in px.unbind(1):
            i, f, g, o = (p + h @ w_hh.t()).chunk(4, dim=-1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            out.append(h)
        return torch.stack(out, dim=1)
