"""Chrono initialisation of GRU and LSTM cell banks: which biases it sets, and that the cells then keep
what they stored over the horizon."""

from __future__ import annotations

import math

import pytest
import torch

from zoo.nn.grouped_rnn import GroupedGRUCell, GroupedLSTMCell


def _gap_after(cells: GroupedGRUCell, steps: int) -> float:
    """Two states that differ, stepped ``steps`` times on the same zero input: how far apart they stay."""
    h = torch.zeros(2, cells.count, cells.hidden)
    h[0], h[1] = 0.5, -0.5
    x = torch.zeros(2, cells.count, cells.in_dim)
    with torch.no_grad():
        for _ in range(steps):
            h = cells(x, h)
    return (h[0] - h[1]).abs().max().item()


def test_gru_update_gates_start_keeping_the_state():
    """Update biases log U[1, horizon - 1] in every cell (z = u / (1 + u) keeps h); r and n biases untouched;
    a difference in the state is still there 50 steps later, where PyTorch's gates near 0.5 halve it away."""
    torch.manual_seed(0)
    plain, chrono = GroupedGRUCell(3, 4, 16), GroupedGRUCell(3, 4, 16)
    chrono.load_state_dict(plain.state_dict())
    chrono.chrono(61)
    update = chrono.bias_ih[:, 16:32]
    assert 0 <= update.min() and update.max() <= math.log(60) and update.std() > 0.5
    assert not chrono.bias_hh[:, 16:32].any()
    for name in ("bias_ih", "bias_hh"):  # reset and candidate biases are PyTorch's
        for gate in (slice(0, 16), slice(32, 48)):
            assert torch.equal(getattr(chrono, name)[:, gate], getattr(plain, name)[:, gate])
    assert _gap_after(plain, 50) < 1e-6 and _gap_after(chrono, 50) > 1e-2


def test_lstm_cells_get_forget_biases_and_their_negatives_as_input_biases():
    torch.manual_seed(0)
    cells = GroupedLSTMCell(3, 4, 8)
    cells.chrono(61)
    forget = cells.bias_ih[:, 8:16]
    assert 0 <= forget.min() and forget.max() <= math.log(60) and forget.std() > 0.5
    assert torch.equal(cells.bias_ih[:, :8], -forget) and not cells.bias_hh[:, :16].any()


@pytest.mark.parametrize("cell", [GroupedGRUCell, GroupedLSTMCell])
def test_each_cell_draws_its_own_timescales(cell):
    torch.manual_seed(0)
    cells = cell(4, 2, 8)
    cells.chrono(100)
    gate = cells.bias_ih[:, 8:16]
    assert all(not torch.equal(gate[0], gate[k]) for k in range(1, 4))
