"""Competition over (mechanism, context) pairs: object-space errors, the horizon, WTA and warm start."""

from __future__ import annotations

import math

import pytest
import torch

from zoo.families.comet.pairs import (
    by_object,
    change_total,
    candidate_of,
    competition_loss,
    horizon_total,
    pair_errors,
    split_pair,
    temperature_at,
    winner_mean,
    winners,
)

INF = float("inf")


def test_pair_errors_average_the_scored_features():
    cand = torch.zeros(1, 1, 1, 1, 3)  # (B, N, M, C, D)
    target = torch.tensor([[[1.0, 2.0, 5.0]]])
    weight = torch.tensor([1.0, 0.5, 0.0])
    assert pair_errors(cand, target, weight).item() == pytest.approx((1.0 + 0.5 * 4.0) / 2)


def test_by_object_scatters_candidates_to_context_objects():
    errors = torch.tensor([[[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]]])  # (B=1, N=2, M=1, C=3)
    index = torch.tensor([[[-1, 1, -1], [0, -1, 1]]])  # slot 0: none, object 1, padding
    mask = torch.tensor([[[True, True, False], [True, True, False]]])
    out = by_object(errors, index, mask)  # (1, 2, 1, 3): columns = object 0, object 1, none
    assert out[0, 0, 0].tolist() == [INF, 2.0, 1.0]
    assert out[0, 1, 0].tolist() == [4.0, INF, 5.0]


def test_the_horizon_picks_the_pair_best_over_all_its_steps():
    # two pairs: pair 0 wins step 0 alone, pair 1 wins the sum over three steps
    steps = torch.tensor([[0.1, 0.3], [0.9, 0.3], [0.9, 0.3]])  # (H, K)
    errors = steps.view(1, 3, 1, 1, 2)  # (B, H, N, M=1, J=2)
    assert winners(errors[:, 0]).item() == 0
    assert winners(horizon_total(errors)).item() == 1
    assert horizon_total(errors)[0, 0, 0].tolist() == pytest.approx([1.9 / 3, 0.3])


def test_a_pair_missing_at_one_step_is_out_unless_none_is_present_throughout():
    errors = torch.tensor([[0.1, 0.5], [INF, 0.5]]).view(1, 2, 1, 1, 2)
    assert winners(horizon_total(errors)).item() == 1
    only_partial = torch.tensor([[0.1, 0.5], [INF, INF]]).view(1, 2, 1, 1, 2)
    assert horizon_total(only_partial)[0, 0, 0].tolist() == pytest.approx([0.1, 0.5])  # judged on step 0


def test_context_per_step_keeps_the_mechanism_and_lets_the_context_change():
    # mechanism 0 fits with context 0 at step 0 and context 1 at steps 1-2 (its partner changed);
    # mechanism 1 fits a little at every step with context 0 only
    errors = torch.tensor([[[0.1, 2.0], [0.4, 0.4]],
                           [[0.9, 0.1], [0.4, 0.9]],
                           [[0.9, 0.1], [0.4, 0.9]]]).view(1, 3, 1, 2, 2)  # (B, H, N, M, J)
    assert winners(horizon_total(errors)).item() == 2  # fixed pairs: mechanism 1 with context 0
    per_step = horizon_total(errors, context_per_step=True)[0, 0]  # (M, J)
    assert per_step.flatten().tolist() == pytest.approx([0.3 / 3, 2.2 / 3, 1.2 / 3, 1.2 / 3])
    assert winners(per_step).item() == 0  # mechanism 0, judged with context 0 at its first step


def test_the_summed_change_prefers_the_law_to_a_pair_that_follows_the_noise():
    # one slot, one feature, H=4: the true change is 0.1 per step, the states carry noise 0.3, -0.3,
    # 0.3, 0 (after the first), so the observed one-step changes are 0.4, -0.5, 0.7, -0.2. Pair 0 is
    # the law (0.1 every step); pair 1 follows the noise step by step (as a wrong law reading noisy
    # inputs can) but its changes sum to 0 instead of the observed 0.4.
    observed = torch.tensor([0.4, -0.5, 0.7, -0.2])
    preds = torch.tensor([[0.1, 0.3], [0.1, -0.4], [0.1, 0.4], [0.1, -0.3]])  # (H, J)
    errors = (preds - observed[:, None]).pow(2).view(1, 4, 1, 1, 2)  # (B, H, N, M, J)
    total = horizon_total(errors)
    assert winners(total).item() == 1  # one-step errors: 0.9 / 4 against 0.12 / 4
    deltas = preds.view(1, 4, 1, 1, 2, 1)  # (B, H, N, M, J, D)
    change = observed.sum().view(1, 1, 1)  # (B, N, D)
    present = torch.ones(1, 4, 1, 1, 2, dtype=torch.bool)
    score = change_total(deltas, change, torch.ones(1), total, present)
    assert score[0, 0, 0].tolist() == pytest.approx([0.0, 0.16 / 4], abs=1e-7)
    assert winners(score).item() == 0
    present[0, 2] = False  # a pair missing at one step: judged as before
    assert torch.equal(change_total(deltas, change, torch.ones(1), total, present), total)


def test_the_loss_follows_the_score_s_winner():
    total = torch.tensor([[[[0.4, 0.2]]]], requires_grad=True)  # (1, 1, M=1, J=2)
    score = torch.tensor([[[[0.1, 0.3]]]])
    loss = competition_loss(total, temperature=0.0, score=score)
    loss.backward()
    assert loss.item() == pytest.approx(0.4)
    assert total.grad.flatten().tolist() == [1.0, 0.0]


def test_hard_wta_gives_gradient_to_the_winner_only():
    total = torch.tensor([[[[0.4, 0.2], [0.9, INF]]]], requires_grad=True)  # (1, 1, M=2, J=2)
    loss = competition_loss(total, temperature=0.0)
    loss.backward()
    assert loss.item() == pytest.approx(0.2)
    assert total.grad[0, 0].tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_warm_start_gives_gradient_to_every_existing_pair():
    total = torch.tensor([[[[0.4, 0.2], [0.9, INF]]]], requires_grad=True)
    competition_loss(total, temperature=1.0).backward()
    g = total.grad[0, 0]
    assert (g[0] > 0).all() and g[1, 0] > 0 and g[1, 1] == 0  # the missing pair gets none
    assert g.sum().item() == pytest.approx(1.0)  # softmin weights
    assert g[0, 1] > g[0, 0] > g[1, 0]  # lower error, more gradient
    hot = torch.tensor([[[[0.4, 0.2], [0.9, INF]]]], requires_grad=True)
    competition_loss(hot, temperature=100.0).backward()
    assert hot.grad[0, 0, 1, 0].item() == pytest.approx(1 / 3, rel=0.05)  # hot: nearly uniform


def test_temperature_anneals_geometrically_then_stops():
    assert temperature_at(0, 100, 1.0, 0.01) == 1.0
    assert temperature_at(50, 100, 1.0, 0.01) == pytest.approx(0.1)
    assert temperature_at(100, 100, 1.0, 0.01) == 0.0
    assert temperature_at(5, 0, 1.0, 0.01) == 0.0


def test_split_pair_and_candidate_of():
    mech, ctx = split_pair(torch.tensor([0, 4, 5]), contexts=3)  # N = 2 objects + none
    assert mech.tolist() == [0, 1, 1] and ctx.tolist() == [0, 1, -1]
    index = torch.tensor([[[1, -1], [-1, 0]]])
    mask = torch.ones(1, 2, 2, dtype=torch.bool)
    assert candidate_of(torch.tensor([[1, 2]]), index, mask, contexts=3).tolist() == [[0, 0]]
    assert candidate_of(torch.tensor([[2, 0]]), index, mask, contexts=3).tolist() == [[1, 1]]


def test_temperature_is_relative_to_the_error_scale():
    a = torch.tensor([[[[1.0, 2.0]]]], requires_grad=True)
    b = torch.tensor([[[[1000.0, 2000.0]]]], requires_grad=True)
    competition_loss(a, 0.5).backward()
    competition_loss(b, 0.5).backward()
    torch.testing.assert_close(a.grad, b.grad)
    assert a.grad[0, 0, 0, 0].item() == pytest.approx(1 / (1 + math.exp(-1 / 0.75)))


@pytest.mark.parametrize("kind", ["error", "log_error"])
def test_log_error_draws_a_mechanism_to_one_law_not_the_mean_of_two(kind):
    """A mechanism y = w x that wins transitions of two laws, y = x (60%) and y = 3 x (40%): its squared error
    pulls it to their weighted mean (w = 1.8), log_error to one law (from halfway, the more frequent)."""
    x = torch.linspace(0.5, 1.5, 100)
    y = torch.where(torch.arange(100) % 5 < 3, x, 3 * x)
    w = torch.tensor(2.0, requires_grad=True)  # halfway between the laws
    opt = torch.optim.Adam([w], lr=0.02)
    for _ in range(1500):
        opt.zero_grad()
        winner_mean((w * x - y) ** 2, kind).backward()
        opt.step()
    want = 1.0 if kind == "log_error" else 0.6 * 1.0 + 0.4 * 3.0
    assert w.item() == pytest.approx(want, abs=0.1)  # log_error: off by its floor's pull (1.05)


def test_log_error_means_the_same_at_any_error_scale():
    errors = torch.rand(4, 6) + 0.1
    assert winner_mean(1000 * errors, "log_error").item() == pytest.approx(
        winner_mean(errors, "log_error").item() + math.log(1000), rel=1e-5)
    assert winner_mean(errors).item() == pytest.approx(errors.mean().item())
