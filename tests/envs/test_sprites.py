"""The sprites environment: seeded, masks agree with pixels and latents, shapes drawn as specified."""

import numpy as np
import pytest
import torch

from zoo.envs import make_env
from zoo.families.slot_vae.sprites import hue_to_rgb, shape_masks
from zoo.families.slot_vae.spec import SpritesData


def _data(**kw):
    return SpritesData(kind="sprites", size=16, images=64, test_images=16, **kw)


def test_seeded_and_splits_differ():
    a, b, c = make_env(_data(), 0), make_env(_data(), 0), make_env(_data(), 1)
    assert torch.equal(a.splits["train"]["images"], b.splits["train"]["images"])
    assert not torch.equal(a.splits["train"]["images"], c.splits["train"]["images"])
    assert not torch.equal(a.splits["train"]["images"][:16], a.splits["test"]["images"])
    assert a.splits["train"]["images"].shape == (64, 3, 16, 16) and a.splits["train"]["images"].dtype == torch.uint8
    assert a.splits["test"]["masks"].shape == (16, 16, 16)
    assert a.splits["train"]["latents"].shape == (64, 4, 6)


def test_masks_match_pixels_and_latents():
    env = make_env(_data(min_objects=2, max_objects=3, max_overlap=0.0), 3)
    s = env.splits["train"]
    lat, masks, images = s["latents"], s["masks"].long(), s["images"].long()
    count = lat[..., 0].sum(1)
    assert ((count >= 2) & (count <= 3)).all()
    assert masks.max() <= 3
    # background is black, foreground is not; each label's pixels carry that object's hue
    fg = masks > 0
    assert (images.sum(1)[~fg] == 0).all() and (images.sum(1)[fg] > 0).all()
    for n in range(8):
        for o in range(int(count[n])):
            pix = images[n][:, masks[n] == o + 1]  # (3, count)
            want = np.round(hue_to_rgb(np.array([lat[n, o, 5].item()]))[0] * 255)
            assert pix.shape[1] > 0, "no overlap allowed, so every object is visible"
            assert (pix.t() == torch.tensor(want).long()).all()
    # absent objects have zero latents and no pixels
    absent = lat[..., 0] == 0
    assert (lat[absent] == 0).all()


def test_shapes_by_hand():
    one = np.ones(1)
    c = np.full(1, 0.5)
    # a square of half side 0.25 at the centre of a 4x4 image covers the central 2x2 pixels
    sq = shape_masks(np.array([0]), c, c, 0.25 * one, 4)[0]
    assert sq.astype(int).tolist() == [[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    # a triangle points up: its bottom row is wider than its top row
    tri = shape_masks(np.array([1]), c, c, 0.4 * one, 16)[0]
    rows = tri.sum(1)[tri.sum(1) > 0]
    assert rows[0] < rows[-1] and (np.diff(rows) >= 0).all()
    # a circle is symmetric and smaller than the square with the same scale
    circ = shape_masks(np.array([2]), c, c, 0.4 * one, 16)[0]
    big = shape_masks(np.array([0]), c, c, 0.4 * one, 16)[0]
    assert (circ == circ.T).all() and circ.sum() < big.sum() and (circ <= big).all()


def test_hues_are_saturated_colours():
    rgb = hue_to_rgb(np.array([0.0, 1 / 3, 2 / 3, 0.5]))
    assert np.allclose(rgb, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 1]])


def test_object_counts_must_be_ordered():
    from zoo.errors import SpecError
    from zoo.schema import loads_spec

    text = """
name: bad
model: {kind: slot_vae, image: {size: 16}}
slots: {count: 3, dim: 4}
data: {kind: sprites, size: 32, min_objects: 4, max_objects: 2}
"""
    with pytest.raises(SpecError) as e:
        loads_spec(text)
    msg = str(e.value)
    assert "data.min_objects" in msg and "model.image.size" in msg
