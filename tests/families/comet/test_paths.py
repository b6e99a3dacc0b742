"""Winners on a path (``train.switch_rate``): the cheapest path of pairs through a window (Viterbi)."""

from __future__ import annotations

import itertools
import math

import torch

from zoo.families.comet.paths import cheapest_path, path_errors, switch_cost

INF = float("inf")


def _brute_force(errors: torch.Tensor, cost: float) -> tuple[float, tuple[int, ...]]:
    """The cheapest path of one sequence (H, K) by trying every path."""
    h, k = errors.shape
    best = (INF, ())
    for path in itertools.product(range(k), repeat=h):
        total = sum(errors[t, p].item() for t, p in enumerate(path))
        total += cost * sum(a != b for a, b in zip(path, path[1:]))
        best = min(best, (total, path))
    return best


def _total(errors: torch.Tensor, path: torch.Tensor, cost: float) -> float:
    return path_errors(errors[None], path[None]).sum().item() + cost * (path[1:] != path[:-1]).sum().item()


def test_the_path_is_the_cheapest_of_all_paths():
    gen = torch.Generator().manual_seed(0)
    for cost in (0.0, 0.3, 1.0, 5.0):
        errors = torch.rand(6, 3, generator=gen)
        path = cheapest_path(errors[None], cost)[0]
        assert math.isclose(_total(errors, path, cost), _brute_force(errors, cost)[0], rel_tol=1e-6), cost


def test_free_changes_give_each_steps_best_pair_and_costly_ones_one_pair():
    errors = torch.rand(4, 10, 5, 3, generator=torch.Generator().manual_seed(1))  # (B, H, N, K)
    assert torch.equal(cheapest_path(errors, 0.0), errors.argmin(dim=-1))
    stuck = cheapest_path(errors, 1e6)
    assert torch.equal(stuck, errors.sum(dim=1).argmin(dim=-1)[:, None].expand_as(stuck))


def test_a_lasting_change_is_followed_and_a_one_step_blip_is_not():
    errors = torch.ones(12, 2)
    errors[:6, 0], errors[6:, 1] = 0.0, 0.0  # pair 0 fits the first half, pair 1 the second
    errors[3] = torch.tensor([0.5, 0.0])  # one step where pair 1 looks a little better
    path = cheapest_path(errors[None], 0.8)[0]
    assert path.tolist() == [0] * 6 + [1] * 6


def test_missing_pairs_are_never_on_the_path():
    errors = torch.rand(3, 8, 4, generator=torch.Generator().manual_seed(2))
    errors[:, 2:5, 1] = INF  # pair 1 (the best otherwise) is not a candidate in steps 2-4
    errors[:, :, 1] -= 1.0
    path = cheapest_path(errors, 0.1)
    assert torch.isfinite(path_errors(errors, path)).all()
    assert (path[:, :2] == 1).all() and (path[:, 5:] == 1).all()


def test_a_change_costs_more_where_residuals_are_larger_or_changes_rarer():
    quiet, noisy = torch.full((2, 5, 3), 0.01), torch.full((2, 5, 3), 1.0)
    assert math.isclose(switch_cost(noisy, 0.05, 4).item(), 100 * switch_cost(quiet, 0.05, 4).item(), rel_tol=1e-5)
    assert switch_cost(noisy, 0.01, 4) > switch_cost(noisy, 0.1, 4) > 0
    assert math.isclose(switch_cost(noisy, 0.05, 4).item(), 2 * 1.0 / 4 * math.log(19), rel_tol=1e-6)
    with_missing = noisy.clone()
    with_missing[..., 0] = INF
    assert torch.isfinite(switch_cost(with_missing, 0.05, 4))
