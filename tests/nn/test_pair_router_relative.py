"""PairRouter with ``relative=True`` also scores on the context minus the slot."""

from __future__ import annotations

import torch

from zoo.nn.routers import PairRouter


def test_relative_scores_see_the_difference():
    torch.manual_seed(0)
    router = PairRouter(2, 4 + 5 + 4, (), mode="select", relative=True)  # a linear scorer
    x, ctx = torch.randn(1, 3, 4), torch.randn(1, 3, 2, 5)
    mask, cand = torch.ones(1, 3, 2, dtype=torch.bool), torch.randn(1, 3, 2, 2, 4)
    logits, _ = router(x, ctx, mask, cand)
    w, b = router.scorer.net[0].weight, router.scorer.net[0].bias  # (2, 13)
    pairs = torch.cat([x[:, :, None].expand(-1, -1, 2, -1), ctx, ctx[..., :4] - x[:, :, None]], -1)
    torch.testing.assert_close(logits, (pairs @ w.T + b).transpose(-1, -2))
