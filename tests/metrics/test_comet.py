"""COMET's disentanglement metrics against hand-computed values."""

from __future__ import annotations

import math

import pytest
import torch

from zoo.families.comet.metrics import contingency, nmi, purity, usage


def test_contingency_leaves_out_untyped_entries():
    mech = torch.tensor([0, 0, 1, 1, 2])
    truth = torch.tensor([0, 1, 1, -1, 1])
    t = contingency(mech, truth, mechanisms=3, types=2)
    assert t.tolist() == [[1, 1], [0, 1], [0, 1]]


def test_perfect_and_independent():
    perfect = torch.tensor([[5.0, 0.0], [0.0, 5.0]])
    assert nmi(perfect) == pytest.approx(1.0) and purity(perfect) == 1.0
    independent = torch.tensor([[2.0, 2.0], [2.0, 2.0]])
    assert nmi(independent) == pytest.approx(0.0, abs=1e-12) and purity(independent) == 0.5


def test_hand_computed_table():
    # p = [[1/2, 0], [1/4, 1/4]]: H(M) = ln 2, H(K) = H(3/4, 1/4), I = H(K) - H(K|M) = H(K) - ln2 / 2
    table = torch.tensor([[2.0, 0.0], [1.0, 1.0]])
    hk = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    mi = hk - 0.5 * math.log(2)
    assert nmi(table) == pytest.approx(mi / ((math.log(2) + hk) / 2))
    assert purity(table) == pytest.approx(3 / 4)


def test_agrees_with_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    gen = torch.Generator().manual_seed(0)
    mech = torch.randint(0, 4, (500,), generator=gen)
    truth = (mech + (torch.rand(500, generator=gen) < 0.3).long()) % 3
    ours = nmi(contingency(mech, truth, 4, 3))
    assert ours == pytest.approx(metrics.normalized_mutual_info_score(truth.numpy(), mech.numpy()), abs=1e-9)


def test_over_complete_bank_keeps_purity_and_usage_counts():
    table = torch.tensor([[4.0, 0.0], [0.0, 3.0], [0.0, 1.0], [0.0, 0.0]])
    assert purity(table) == 1.0 and nmi(table) < 1.0
    assert usage(torch.tensor([0, 0, 1, 3]), 4).tolist() == [0.5, 0.25, 0.0, 0.25]
