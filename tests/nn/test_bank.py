"""MechanismBank: equals M separate MLPs given the same weights; golden numbers at fixed init."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from zoo.nn.bank import BankApply, MechanismBank


def _separate(bank: MechanismBank, m: int) -> nn.Sequential:
    layers = []
    for i, (w, b) in enumerate(zip(bank.weights, bank.biases)):
        lin = nn.Linear(w.shape[1], w.shape[2])
        with torch.no_grad():
            lin.weight.copy_(w[m].T)
            lin.bias.copy_(b[m])
        layers.append(lin)
        if i < len(bank.weights) - 1:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


@pytest.mark.parametrize("hidden", [(), (8,), (8, 5)])
def test_bank_equals_separate_mlps(hidden):
    torch.manual_seed(0)
    bank = MechanismBank(4, 6, hidden, 3, "tanh")
    x = torch.randn(2, 5, 6)
    out = bank(x)  # (2, 5, 4, 3)
    assert out.shape == (2, 5, 4, 3)
    for m in range(4):
        torch.testing.assert_close(out[:, :, m], _separate(bank, m)(x), rtol=1e-5, atol=1e-6)
    grouped = bank.forward_grouped(x.unsqueeze(-2).expand(-1, -1, 4, -1))
    torch.testing.assert_close(grouped, out, rtol=1e-5, atol=1e-6)


def test_grouped_inputs_are_per_mechanism():
    torch.manual_seed(1)
    bank = MechanismBank(3, 2, (4,), 2, "relu")
    x = torch.randn(7, 3, 2)
    out = bank.forward_grouped(x)
    for m in range(3):
        torch.testing.assert_close(out[:, m], _separate_relu(bank, m)(x[:, m]), rtol=1e-5, atol=1e-6)


def _separate_relu(bank, m):
    seq = _separate(bank, m)
    return nn.Sequential(*[nn.ReLU() if isinstance(l, nn.Tanh) else l for l in seq])


def test_bank_golden_numbers():
    torch.manual_seed(0)
    bank = MechanismBank(3, 4, (8,), 2, "relu")
    x = torch.linspace(-1, 1, 12).view(3, 4)
    out = bank(x)
    torch.testing.assert_close(out.sum(), torch.tensor(GOLDEN_BANK), rtol=1e-5, atol=1e-5)


def test_bank_apply_broadcasts_inputs_over_candidates():
    torch.manual_seed(0)
    apply = BankApply(MechanismBank(2, 3 + 4 + 1, (), 3, "identity"), ("state", "context", "task"))
    state, ctx, task = torch.randn(2, 5, 3), torch.randn(2, 5, 6, 4), torch.randn(1)
    out = apply(state=state, context=ctx, task=task)
    assert out.shape == (2, 5, 2, 6, 3)
    manual = torch.cat([state.unsqueeze(2).expand(-1, -1, 6, -1), ctx, task.expand(2, 5, 6, 1)], -1)
    torch.testing.assert_close(out, apply.mechanisms(manual).movedim(-2, -3))


GOLDEN_BANK = -0.6035900712013245
