"""Grouped GRU/LSTM cells equal K separate torch cells given the same weights."""

from __future__ import annotations

import torch
from torch import nn

from zoo.nn.grouped_rnn import CellBank, GroupedGRUCell, GroupedLSTMCell


def _load(cell: nn.Module, grouped, k: int) -> nn.Module:
    with torch.no_grad():
        cell.weight_ih.copy_(grouped.weight_ih[k].T)
        cell.weight_hh.copy_(grouped.weight_hh[k].T)
        cell.bias_ih.copy_(grouped.bias_ih[k])
        cell.bias_hh.copy_(grouped.bias_hh[k])
    return cell


def test_grouped_gru_equals_separate_cells():
    torch.manual_seed(0)
    g = GroupedGRUCell(4, 3, 5)
    x, h = torch.randn(6, 4, 3), torch.randn(6, 4, 5)
    out = g(x, h)
    for k in range(4):
        ref = _load(nn.GRUCell(3, 5), g, k)(x[:, k], h[:, k])
        torch.testing.assert_close(out[:, k], ref, rtol=1e-5, atol=1e-6)


def test_grouped_lstm_equals_separate_cells():
    torch.manual_seed(0)
    g = GroupedLSTMCell(3, 2, 4)
    x, h, c = torch.randn(5, 3, 2), torch.randn(5, 3, 4), torch.randn(5, 3, 4)
    h2, c2 = g(x, (h, c))
    for k in range(3):
        rh, rc = _load(nn.LSTMCell(2, 4), g, k)(x[:, k], (h[:, k], c[:, k]))
        torch.testing.assert_close(h2[:, k], rh, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(c2[:, k], rc, rtol=1e-5, atol=1e-6)


def test_cell_bank_runs_every_mechanism_on_the_same_state():
    torch.manual_seed(0)
    bank = CellBank(GroupedLSTMCell, 3, 2, 4)
    state, x = torch.randn(5, 8), torch.randn(5, 2)
    out = bank(state, x)
    assert out.shape == (5, 3, 8)
    h, c = bank.cell(x.unsqueeze(1).expand(-1, 3, -1), (state[:, None, :4].expand(-1, 3, -1), state[:, None, 4:].expand(-1, 3, -1)))
    torch.testing.assert_close(out, torch.cat([h, c], -1))


def test_grouped_gru_golden_numbers():
    torch.manual_seed(0)
    g = GroupedGRUCell(2, 3, 4)
    x, h = torch.linspace(-1, 1, 6).view(1, 2, 3), torch.zeros(1, 2, 4)
    torch.testing.assert_close(g(x, h).sum(), torch.tensor(GOLDEN_GRU), rtol=1e-5, atol=1e-5)


GOLDEN_GRU = -0.0784129798412323
