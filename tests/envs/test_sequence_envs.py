"""Sequential digits, copying and bouncing balls: shapes, ground truth, determinism, physics."""

from __future__ import annotations

import torch

from zoo.envs import make_env
from zoo.families.rims.balls import simulate
from zoo.families.rims.digits import render
from zoo.families.rims.spec import BouncingBallsData, CopyingData, SequentialDigitsData


def test_digits_splits_per_resolution_share_labels():
    env = make_env(SequentialDigitsData(kind="sequential_digits", limit=100, test_sizes=(16, 24)), seed=0)
    assert set(env.splits) == {"train", "test_14", "test_16", "test_24"}
    assert env.splits["train"]["x"].shape == (80, 196) and env.splits["test_24"]["x"].shape == (20, 576)
    assert torch.equal(env.splits["test_16"]["target"], env.splits["test_24"]["target"])
    x = env.splits["test_16"]["x"]
    assert x.dtype == torch.long and set(x.unique().tolist()) == {0, 1}
    assert 0.2 < x.float().mean() < 0.45  # strokes cover a fraction of the image at every resolution
    again = make_env(SequentialDigitsData(kind="sequential_digits", limit=100, test_sizes=(16, 24)), seed=0)
    assert torch.equal(again.splits["train"]["x"], env.splits["train"]["x"])


def test_digits_as_floats_are_the_same_pixels_as_tokens():
    tokens = make_env(SequentialDigitsData(kind="sequential_digits", limit=60, test_sizes=(19,)), seed=0)
    floats = make_env(SequentialDigitsData(kind="sequential_digits", limit=60, test_sizes=(19,), pixels="floats"),
                      seed=0)
    assert set(floats.splits) == set(tokens.splits)
    for name, split in floats.splits.items():
        x = split["x"]
        assert x.dtype == torch.float32 and x.shape == (*tokens.splits[name]["x"].shape, 1)
        assert torch.equal(x[..., 0].long(), tokens.splits[name]["x"])
        assert torch.equal(split["target"], tokens.splits[name]["target"])


def test_digits_augmentation_adds_changed_copies_and_leaves_tests_alone():
    plain = make_env(SequentialDigitsData(kind="sequential_digits", limit=100, test_sizes=(24,)), seed=0)
    augmented = SequentialDigitsData(kind="sequential_digits", limit=100, test_sizes=(24,), augment=3)
    env = make_env(augmented, seed=0)
    x, y = env.splits["train"]["x"], env.splits["train"]["target"]
    assert x.shape == (4 * 80, 196) and torch.equal(y, plain.splits["train"]["target"].repeat(4))
    assert torch.equal(x[:80], plain.splits["train"]["x"])  # the original images come first, unchanged
    changed = (x[80:] != x[:80].repeat(3, 1)).any(1).float().mean()
    assert changed > 0.9  # nearly every copy differs from its original
    assert 0.2 < x[80:].float().mean() < 0.45  # and is still a digit-sized stroke pattern
    for name in ("test_14", "test_24"):
        assert torch.equal(env.splits[name]["x"], plain.splits[name]["x"])
    assert torch.equal(make_env(augmented, seed=0).splits["train"]["x"], x)  # the changes are drawn from the seed


def test_digits_identity_affine_renders_exactly_as_without():
    images = torch.rand(6, 8, 8)
    identity = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]).expand(6, 2, 3)
    assert torch.equal(render(images, 19, 0.5, identity), render(images, 19, 0.5))


def test_copying_structure():
    env = make_env(CopyingData(kind="copying", symbols=4, length=3, delay=5, test_delays=(9,),
                               train_sequences=10, test_sequences=4), seed=1)
    x, y = env.splits["train"]["x"], env.splits["train"]["target"]
    assert x.shape == (10, 3 + 5 + 1 + 2) and env.splits["test_9"]["x"].shape == (4, 15)
    assert torch.equal(y[:, -3:], x[:, :3]) and (y[:, :-3] == -100).all()
    assert (x[:, 3:8] == 4).all() and (x[:, 8] == 5).all() and env.vocab == 6


def test_balls_stay_in_the_box_and_collisions_conserve_energy():
    g = torch.Generator().manual_seed(0)
    pos, vel = simulate(50, 2, 80, size=6, radius=1.0, speed=0.5, generator=g, velocities=True)
    assert pos.min() >= 1.0 - 1e-5 and pos.max() <= 5.0 + 1e-5
    energy = vel.square().sum((-1, -2))  # (n, steps): walls and pair collisions keep it
    torch.testing.assert_close(energy, energy[:, :1].expand_as(energy), rtol=1e-4, atol=1e-5)
    speeds = vel.norm(dim=-1)
    assert (speeds[:, -1] - speeds[:, 0]).abs().max() > 0.05  # collisions did exchange momentum


def test_balls_splits_and_next_frame_targets():
    data = BouncingBallsData(kind="bouncing_balls", train_sequences=8, test_sequences=3, length=6, size=8, test_balls=(5,))
    env = make_env(data, seed=0)
    assert set(env.splits) == {"train", "test_3", "test_4", "test_5"}
    s = env.splits["test_5"]
    assert s["x"].shape == (3, 5, 64) and torch.equal(s["x"][:, 1:], s["target"][:, :-1])
    assert 0 <= s["x"].min() and s["x"].max() <= 1
