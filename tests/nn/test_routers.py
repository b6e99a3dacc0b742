"""PairRouter: masked logits over (mechanism, context), select vs mix predictions."""

from __future__ import annotations

import torch

from zoo.nn.routers import PairRouter


def _inputs():
    torch.manual_seed(0)
    x, ctx = torch.randn(2, 3, 4), torch.randn(2, 3, 5, 6)
    mask = torch.ones(2, 3, 5, dtype=torch.bool)
    mask[:, :, -1] = False
    cand = torch.randn(2, 3, 2, 5, 4)
    return x, ctx, mask, cand


def test_select_picks_the_argmax_candidate_and_never_a_masked_one():
    router = PairRouter(2, 10, (8,), mode="select")
    x, ctx, mask, cand = _inputs()
    logits, pred = router(x, ctx, mask, cand)
    assert logits.shape == (2, 3, 2, 5) and (logits[..., -1] < -1e8).all()
    best = logits.flatten(2).argmax(-1)
    expect = cand.flatten(2, 3)[torch.arange(2)[:, None], torch.arange(3)[None], best]
    torch.testing.assert_close(pred, expect)


def test_mix_is_the_softmax_weighted_mean():
    router = PairRouter(2, 10, (8,), mode="mix", temperature=0.5)
    x, ctx, mask, cand = _inputs()
    logits, pred = router(x, ctx, mask, cand)
    w = torch.softmax(logits.flatten(2) / 0.5, -1)
    torch.testing.assert_close(pred, (w.unsqueeze(-1) * cand.flatten(2, 3)).sum(2), rtol=1e-5, atol=1e-6)
    pred.sum().backward()
    assert router.scorer.net[0].weight.grad is not None


def test_router_golden_numbers():
    torch.manual_seed(0)
    router = PairRouter(2, 10, (8,), mode="mix")
    x, ctx, mask, cand = _inputs()
    torch.testing.assert_close(router(x, ctx, mask, cand)[1].sum(), torch.tensor(GOLDEN_ROUTER), rtol=1e-5, atol=1e-5)


GOLDEN_ROUTER = 1.2188289165496826
