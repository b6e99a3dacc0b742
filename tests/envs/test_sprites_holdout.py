"""Held-out shape pairs of the sprites environment: never in a training scene, in every test scene, seeded."""

import numpy as np
import pytest
import torch

from zoo.envs import make_env
from zoo.families.slot_vae.spec import SpritesData
from zoo.families.slot_vae.sprites import SHAPES
from zoo.families.slot_vae.sprites_holdout import exclude_pair, include_pair


def _data(pair, **kw):
    holdout = {"kind": "shape_pair", "shapes": pair}
    return SpritesData(kind="sprites", size=12, images=512, test_images=128, holdout=holdout, **kw)


def _counts(split: dict, shape: str) -> np.ndarray:
    """(N,) how many present objects of ``shape`` each scene holds, read from the latents."""
    lat = split["latents"].numpy()
    return ((lat[..., 0] > 0) & (lat[..., 1] == SHAPES.index(shape))).sum(axis=1)


@pytest.mark.parametrize("kw", [{}, {"min_objects": 1, "max_objects": 6}, {"shapes": ("circle", "square")}])
def test_a_pair_of_shapes_is_never_in_training_and_always_in_test(kw):
    env = make_env(_data(("circle", "square"), **kw), 0)
    train, test = env.splits["train"], env.splits["test"]
    together = lambda split: (_counts(split, "circle") > 0) & (_counts(split, "square") > 0)  # noqa: E731
    assert not together(train).any()
    assert together(test).all()
    # each shape on its own is still seen in training, and scenes keep their object counts
    assert (_counts(train, "circle") > 0).any() and (_counts(train, "square") > 0).any()
    objects = train["latents"][..., 0].sum(1)
    low, high = kw.get("min_objects", 2), kw.get("max_objects", 4)
    assert objects.min() == low and objects.max() == high
    assert test["latents"][..., 0].sum(1).min() == max(2, low)  # a test scene has room for the pair
    # the masks are drawn from the same latents: a scene's labels are its present objects
    assert (train["masks"].flatten(1).max(1).values <= objects).all()


def test_the_same_shape_twice_holds_out_scenes_with_two_of_it():
    env = make_env(_data(("triangle", "triangle"), max_objects=5), 1)
    assert (_counts(env.splits["train"], "triangle") <= 1).all()
    assert (_counts(env.splits["train"], "triangle") == 1).any()
    assert (_counts(env.splits["test"], "triangle") >= 2).all()


def test_held_out_scenes_are_seeded():
    a, b, c = (make_env(_data(("circle", "square")), s) for s in (3, 3, 4))
    for split in ("train", "test"):
        assert torch.equal(a.splits[split]["images"], b.splits[split]["images"])
        assert torch.equal(a.splits[split]["latents"], b.splits[split]["latents"])
        assert not torch.equal(a.splits[split]["images"], c.splits[split]["images"])


def test_without_a_holdout_the_scenes_are_unchanged():
    plain = SpritesData(kind="sprites", size=12, images=64, test_images=16)
    env = make_env(plain, 0)
    latents = env.splits["train"]["latents"]
    shapes = latents[..., 1][latents[..., 0] > 0]
    counts = [(_counts(env.splits["train"], s) > 0) for s in ("circle", "square")]
    assert (counts[0] & counts[1]).any() and set(shapes.long().tolist()) == {0, 1, 2}


def test_exclude_and_include_by_hand():
    rng = np.random.default_rng(0)
    shape = np.array([[2, 1, 0, 2, 0], [1, 0, 2, 0, 1]])  # circle=2, square=0
    out = exclude_pair(rng, shape, (2, 0), np.array([0, 1, 2]))
    assert out[0, 0] == 2 and (out[0] != 0).all() and list(out[0, :2]) == [2, 1]  # squares after the circle go
    assert list(out[1, :2]) == [1, 0] and (out[1] != 2).all()  # circles after the square go
    both = include_pair(rng, np.ones((64, 4), dtype=int), np.full(64, 2), (2, 0))
    assert ((both[:, :2] == 2).any(1) & (both[:, :2] == 0).any(1)).all() and (both[:, 2:] == 1).all()
