"""Module decoding and template alignment against hand-computed values."""

import math

import pytest
import torch

from zoo.families.hypernetwork.metrics import decoding_r2, embedding_map, r2_scores, ridge_fit, template_alignment


def test_ridge_without_penalty_is_least_squares():
    x = torch.tensor([[0.0], [1.0], [2.0]])
    y = torch.tensor([[1.0], [3.0], [5.0]])
    w, b = ridge_fit(x, y, alpha=0.0)
    assert w.item() == pytest.approx(2.0)
    assert b.item() == pytest.approx(1.0)


def test_ridge_penalty_by_hand():
    # centred x = (-1, 0, 1), y = (-2, 0, 2): w = 4 / (2 + alpha) = 1 for alpha = 2; b = 3 - 1 * 1
    x = torch.tensor([[0.0], [1.0], [2.0]])
    y = torch.tensor([[1.0], [3.0], [5.0]])
    w, b = ridge_fit(x, y, alpha=2.0)
    assert w.item() == pytest.approx(1.0)
    assert b.item() == pytest.approx(2.0)


def test_ridge_dual_form_matches_primal():
    # N=2 < D=3, no intercept: w = X^T (X X^T + I)^-1 y = X^T y / 2 = (1, 2, 0)
    x = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    y = torch.tensor([[2.0], [4.0]])
    w, b = ridge_fit(x, y, alpha=1.0, intercept=False)
    assert w.flatten().tolist() == pytest.approx([1.0, 2.0, 0.0])
    assert b.tolist() == [0.0]


def test_r2_by_hand_and_constant_outputs():
    y = torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    pred = torch.tensor([[1.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
    scores = r2_scores(y, pred)
    assert scores[0].item() == pytest.approx(0.5)  # SS_res = 1, SS_tot = 2
    assert math.isnan(scores[1].item())


def test_decoding_r2_perfect_and_uninformative():
    gen = torch.Generator().manual_seed(0)
    e_train, e_test = torch.rand(50, 3, generator=gen), torch.rand(20, 3, generator=gen)
    mix = torch.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 3.0]])
    assert decoding_r2(e_train @ mix, e_train, e_test @ mix, e_test, alpha=1e-9) == pytest.approx(1.0, abs=1e-6)
    noise_train, noise_test = torch.randn(50, 3, generator=gen), torch.randn(20, 3, generator=gen)
    assert decoding_r2(noise_train, e_train, noise_test, e_test) < 0.2


def test_embedding_map_by_hand():
    e = torch.eye(3)
    assert torch.allclose(embedding_map(2 * e, e), 0.5 * torch.eye(3, dtype=torch.float64))


def test_template_alignment_by_hand():
    # teacher units e1, e2; student units (1, 1, 0) and (1, -1, 0): best cosine 1/sqrt(2) for both
    teacher = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]])
    student = torch.tensor([[[1.0, 1.0], [1.0, -1.0], [0.0, 0.0]]])
    assert template_alignment(student, teacher, torch.eye(1)) == pytest.approx(1 / math.sqrt(2))


def test_template_alignment_is_invariant_to_unit_permutation_scale_and_embedding_map():
    gen = torch.Generator().manual_seed(1)
    teacher = torch.randn(3, 4, 5, generator=gen)
    perm = torch.randperm(5, generator=gen)
    scale = torch.rand(5, generator=gen) + 0.5
    mixing = torch.randn(3, 3, generator=gen)  # the student's embedding is z = e @ mixing
    permuted = teacher[:, :, perm] * scale  # (E, in, out) in the student's unit order
    student = torch.einsum("ke,eio->kio", torch.linalg.inv(mixing), permuted)  # sum_k z_k Theta_k = sum_e e_e permuted_e
    e = torch.randn(30, 3, generator=gen)
    mapping = embedding_map(e @ mixing, e)
    assert template_alignment(student, teacher, mapping) == pytest.approx(1.0, abs=1e-6)
    assert template_alignment(torch.randn(3, 4, 5, generator=gen), teacher, mapping) < 0.95
