"""RIMs mechanics: exactly k active cells, inactive cells unchanged and without gradient, grouped
computation equal to separate cells, one step equal to the sequence runner."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from zoo.nn.grouped_rnn import GroupedGRUCell, GroupedLSTMCell
from zoo.nn.rims import RIMs, RIMsCell, SequenceLSTM


@pytest.fixture(params=[GroupedGRUCell, GroupedLSTMCell])
def cell(request):
    torch.manual_seed(0)
    return RIMsCell(5, count=6, active=2, hidden=4, cell=request.param, key_dim=8, value_dim=7,
                    heads=2, comm_key_dim=3, comm_value_dim=5, comm_heads=2)


def _state(cell, b=9):
    h = torch.randn(b, cell.count, cell.hidden, requires_grad=True)
    c = torch.randn(b, cell.count, cell.hidden, requires_grad=True) if cell.cells.memory else None
    return h, c


def test_exactly_k_cells_are_active_and_they_attend_least_to_null(cell):
    x = torch.randn(9, 5)
    h, c = _state(cell)
    _, _, mask = cell(x, h, c)
    assert mask.shape == (9, 6) and (mask.sum(1) == 2).all()
    keys, null_key, _, _ = cell.prepare(x.unsqueeze(1))
    probs, mask2 = cell.select(h, keys[:, 0], null_key)
    assert torch.equal(mask, mask2)
    p_null = probs[..., 1]
    worst_active = p_null.masked_fill(~mask, -1).max(1).values
    best_inactive = p_null.masked_fill(mask, 2).min(1).values
    assert (worst_active <= best_inactive).all()


def test_a_zero_input_is_the_null_input(cell):
    """A float input of zeros is keyed as the null input: every cell splits its attention exactly in half,
    so no cell wakes for its content and the same cells win at every such step, whatever the states."""
    keys, null_key, _, _ = cell.prepare(torch.zeros(9, 3, 5))
    masks = []
    for t in range(3):
        h, _ = _state(cell)
        probs, mask = cell.select(h, keys[:, t], null_key)
        assert torch.equal(probs, torch.full_like(probs, 0.5))
        masks.append(mask)
    assert all(torch.equal(m, masks[0][:1].expand_as(m)) for m in masks)
    probs, _ = cell.select(h, cell.prepare(torch.randn(9, 1, 5))[0][:, 0], null_key)
    assert (probs[..., 0] - 0.5).abs().max() > 1e-3  # a nonzero input is not the null input


def test_ranking_by_input_score_picks_the_cells_that_score_the_input_highest(cell):
    """rank_by="input_score" (the reference code's): the k cells with the highest raw score to the input are
    active; a zero input, keyed as the null input, then wakes cells that depend on the states, not a tie."""
    cell.rank_by = "input_score"
    x = torch.randn(9, 5)
    h, _ = _state(cell)
    keys, null_key, _, _ = cell.prepare(x.unsqueeze(1))
    q = cell.query(h).view(9, cell.count, cell.heads, cell.key_dim)
    score = torch.einsum("bkhd,bhd->bk", q, keys[:, 0])
    _, mask = cell.select(h, keys[:, 0], null_key)
    assert (mask.sum(1) == 2).all()
    assert (score.masked_fill(~mask, 1e9).min(1).values >= score.masked_fill(mask, -1e9).max(1).values).all()
    zero_keys = cell.prepare(torch.zeros(9, 1, 5))[0][:, 0]
    masks = {tuple(cell.select(_state(cell)[0], zero_keys, null_key)[1].flatten().tolist()) for _ in range(3)}
    assert len(masks) > 1  # which cells wake on a blank depends on the states


def test_an_unknown_ranking_is_refused():
    with pytest.raises(ValueError, match="rank_by"):
        RIMsCell(5, count=6, active=2, hidden=4, rank_by="input")


def test_inactive_cells_keep_their_state_exactly_without_gradient(cell):
    x = torch.randn(9, 5)
    h, c = _state(cell)
    h2, c2, mask = cell(x, h, c)
    inactive = ~mask
    assert torch.equal(h2[inactive], h[inactive])
    if c is not None:
        assert torch.equal(c2[inactive], c[inactive])
    (h2 * inactive.unsqueeze(-1)).sum().backward()
    for name, p in cell.named_parameters():
        assert p.grad is None or torch.count_nonzero(p.grad) == 0, name
    grad_h = h.grad
    assert torch.equal(grad_h[inactive], torch.ones_like(grad_h[inactive]))
    assert torch.count_nonzero(grad_h[mask]) == 0


def test_active_cells_change_and_get_gradient(cell):
    x = torch.randn(9, 5)
    h, c = _state(cell)
    h2, _, mask = cell(x, h, c)
    assert not torch.equal(h2[mask], h[mask])
    (h2 * mask.unsqueeze(-1)).sum().backward()
    assert torch.count_nonzero(cell.cells.weight_hh.grad) > 0


def test_grouped_update_equals_separate_cells():
    torch.manual_seed(1)
    cell = RIMsCell(3, count=4, active=4, hidden=5, cell=GroupedGRUCell, key_dim=4, value_dim=6)
    x = torch.randn(2, 4, 6)
    h = torch.randn(2, 4, 5)
    out = cell.cells.step(cell.cells.project_input(x), h)
    for k in range(4):
        ref = nn.GRUCell(6, 5)
        with torch.no_grad():
            ref.weight_ih.copy_(cell.cells.weight_ih[k].T)
            ref.weight_hh.copy_(cell.cells.weight_hh[k].T)
            ref.bias_ih.copy_(cell.cells.bias_ih[k])
            ref.bias_hh.copy_(cell.cells.bias_hh[k])
        torch.testing.assert_close(out[:, k], ref(x[:, k], h[:, k]), rtol=1e-5, atol=1e-6)


def test_sequence_runner_equals_repeated_steps(cell):
    cell.eval()
    runner = RIMs(cell)
    x = torch.randn(3, 7, 5)
    seq, last, active = runner(x)
    h = runner.h0.expand(3, -1, -1)
    c = runner.c0.expand(3, -1, -1) if runner.c0 is not None else None
    for t in range(7):
        h, c, mask = cell(x[:, t], h, c)
        torch.testing.assert_close(seq[:, t], h.flatten(1), rtol=1e-5, atol=1e-6)
        assert torch.equal(active[:, t], mask)
    torch.testing.assert_close(last, h.flatten(1), rtol=1e-5, atol=1e-6)
    assert active.shape == (3, 7, 6) and (active.sum(-1) == 2).all()


def test_chrono_init_keeps_what_the_lstm_stored_over_its_horizon():
    """Forget biases log U[1, horizon - 1], input biases their negatives: a difference in the first input is
    still visible 50 steps later, where PyTorch's initialisation has halved it away."""
    torch.manual_seed(0)
    plain, chrono = SequenceLSTM(4, 16), SequenceLSTM(4, 16, chrono=61)
    forget = chrono.lstm.bias_ih_l0[16:32]
    assert 0 <= forget.min() and forget.max() <= math.log(60) and forget.std() > 0.5
    assert torch.equal(chrono.lstm.bias_ih_l0[:16], -forget) and not chrono.lstm.bias_hh_l0[:32].any()
    x = torch.zeros(2, 51, 4)
    x[0, 0], x[1, 0] = 1.0, -1.0  # two sequences that differ only in their first input

    def gap(model: SequenceLSTM) -> float:
        last = model(x)[1]
        return (last[0] - last[1]).abs().max().item()

    assert gap(plain) < 1e-6 and gap(chrono) > 1e-3
