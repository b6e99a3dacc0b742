"""A bank reading its contexts relative to the slot (``relative``): offsets, no absolute position, and
outputs that do not change when the whole scene moves."""

from __future__ import annotations

import torch

from zoo.nn.bank import BankApply, MechanismBank


def bank(relative=(0, 1)) -> BankApply:
    torch.manual_seed(0)
    return BankApply(MechanismBank(3, 4 + 5, [16], 4), ("state", "context"), relative=relative)


def scene(shift: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Two slots of (x, y, vx, vy) and their candidates: "no context" (zeros, presence 0), then the other slot."""
    g = torch.Generator().manual_seed(1)
    state = torch.randn(2, 2, 4, generator=g)
    state[..., :2] += shift
    other = state.flip(1)
    none = torch.zeros(2, 2, 1, 5)
    ctx = torch.cat([none, torch.cat([other, torch.ones(2, 2, 1)], -1).unsqueeze(2)], dim=2)  # (B, N, C=2, 5)
    return state, ctx


def test_the_context_is_read_as_its_offset_from_the_slot_and_the_slot_without_its_position():
    seen = {}
    apply = bank()

    def record(x):
        seen["x"] = x
        return torch.zeros(*x.shape[:-1], 3, 4)

    apply.mechanisms.forward = record
    state, ctx = scene()
    apply(state=state, context=ctx)
    x = seen["x"]  # (B, N, C, 4 + 5)
    assert torch.equal(x[..., :2], torch.zeros_like(x[..., :2]))  # the slot's own position is not read
    assert torch.equal(x[..., 2:4], state[:, :, None, 2:4].expand_as(x[..., 2:4]))  # its velocity is
    offset = state.flip(1)[..., :2] - state[..., :2]
    assert torch.allclose(x[:, :, 1, 4:6], offset) and torch.equal(x[:, :, 0, 4:6], torch.zeros(2, 2, 2))
    assert torch.equal(x[:, :, 1, 6:8], state.flip(1)[..., 2:4])  # the context's velocity as it is


def test_moving_the_whole_scene_leaves_every_mechanism_output_unchanged():
    apply, plain = bank(), bank(relative=None)
    (s0, c0), (s1, c1) = scene(), scene(shift=3.0)
    assert torch.allclose(apply(state=s0, context=c0), apply(state=s1, context=c1), atol=1e-5)
    assert not torch.allclose(plain(state=s0, context=c0), plain(state=s1, context=c1), atol=1e-3)


def test_relative_is_no_part_of_the_weights():
    assert set(bank().state_dict()) == set(bank(relative=None).state_dict())
