"""A bank and a pair router that read (and a bank that writes) in the data's units (``normalize``): a world in
other units gives the same outputs in its own units, and the scales are saved with the weights."""

from __future__ import annotations

import torch

from zoo.nn.bank import BankApply, MechanismBank
from zoo.nn.routers import PairRouter

UNITS = torch.tensor([0.01, 0.02, 0.5, 3.0])  # one scale per slot feature (x, y, vx, vy)


def bank(normalized=(4, 4), relative=(0, 1)) -> BankApply:
    torch.manual_seed(0)
    return BankApply(MechanismBank(3, 4 + 5, [16], 4), ("state", "context"), relative=relative, normalized=normalized)


def scene(units: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Two slots of (x, y, vx, vy) in ``units`` and their candidates: "no context" (zeros, presence 0), the other."""
    state = torch.randn(2, 2, 4, generator=torch.Generator().manual_seed(1)) * units
    none = torch.zeros(2, 2, 1, 5)
    ctx = torch.cat([none, torch.cat([state.flip(1), torch.ones(2, 2, 1)], -1).unsqueeze(2)], dim=2)  # (B, N, 2, 5)
    return state, ctx


def test_a_world_in_other_units_gives_the_same_changes_in_its_own_units():
    plain, scaled = bank(), bank()
    change = torch.tensor([0.001, 0.002, 0.03, 0.04])
    scaled.set_scales(UNITS, change)
    out, out_scaled = plain(*scene(torch.ones(4))), scaled(*scene(UNITS))
    assert torch.allclose(out_scaled, out * change, rtol=1e-5, atol=1e-9)
    assert not torch.allclose(bank(normalized=None)(*scene(UNITS)), out_scaled, atol=1e-4)


def test_the_context_presence_channel_is_read_as_it_is():
    apply, seen = bank(relative=None), {}

    def record(x):
        seen["x"] = x
        return torch.zeros(*x.shape[:-1], 3, 4)

    apply.mechanisms.forward = record
    apply.set_scales(UNITS, torch.ones(4))
    state, ctx = scene(UNITS)
    apply(state=state, context=ctx)
    assert torch.allclose(seen["x"][..., :4], (state / UNITS).unsqueeze(2).expand(-1, -1, 2, -1))
    assert torch.allclose(seen["x"][..., 4:8], ctx[..., :4] / UNITS) and torch.equal(seen["x"][..., 8], ctx[..., 4])


def test_the_scales_are_saved_with_the_weights_and_only_when_normalised():
    apply = bank()
    apply.set_scales(UNITS, 2 * UNITS)
    state = apply.state_dict()
    assert torch.equal(state["input_scale"], UNITS) and torch.equal(state["output_scale"], 2 * UNITS)
    loaded = bank()
    loaded.load_state_dict(state)
    assert torch.equal(loaded.input_scale, UNITS)
    assert set(bank(normalized=None).state_dict()) == set(state) - {"input_scale", "output_scale"}


def test_a_normalised_router_scores_a_world_in_other_units_as_the_same_world():
    def router(normalized):
        torch.manual_seed(0)
        return PairRouter(3, 4 + 5 + 4, [16], relative=True, normalized=normalized)

    plain, scaled = router(None), router(4)
    scaled.set_scale(UNITS)
    mask, cand = torch.ones(2, 2, 2, dtype=torch.bool), torch.zeros(2, 2, 3, 2, 4)
    logits, _ = plain(*scene(torch.ones(4)), mask, cand)
    logits_scaled, _ = scaled(*scene(UNITS), mask, cand)
    assert torch.allclose(logits, logits_scaled, atol=1e-5)
    assert "feature_scale" in scaled.state_dict() and "feature_scale" not in plain.state_dict()
