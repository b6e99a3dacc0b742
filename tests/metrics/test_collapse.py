"""Slot collapse: one slot owning the foreground is flagged (even with JIS = 1); a segmentation by object is not."""

import math

import pytest
import torch

from zoo.families.slot_vae import metrics as M
from zoo.metrics.collapse import COLLAPSE_SHARE, collapse_metrics, collapse_warning, max_slot_share

# Two 12-pixel images, background 0: image 0 has objects of 4 and 3 pixels, image 1 of 2, 2 and 2.
MASKS = torch.tensor([[0, 1, 1, 1, 1, 0, 2, 2, 2, 0, 0, 0],
                      [3, 3, 0, 1, 1, 0, 0, 2, 2, 0, 0, 0]])


def decoder_reading(owner: torch.Tensor):
    """Pixel p of every image depends (through 3 channels) on slot owner[p] only: (B, K, D) -> (B, Q, 3)."""
    def decode(z, index):
        s = z[:, owner[index]].sum(-1, keepdim=True)  # (B, Q, 1)
        return torch.cat([torch.tanh(s), s**2, torch.sin(s)], dim=-1)
    return decode


def jacobian_segmentation(owner: torch.Tensor, images: int, slots: int = 4) -> torch.Tensor:
    """Normalised slot maps (B, K, P) of a decoder whose pixels read the slots named by ``owner``."""
    z = torch.randn(images, slots, 3, generator=torch.Generator().manual_seed(0))
    return M.normalise_slots(M.slot_jacobian(decoder_reading(owner), z, pixels=owner.shape[0]))


def test_a_decoder_that_always_favours_one_slot_is_a_collapse_despite_jis_one():
    norm = jacobian_segmentation(torch.zeros(12, dtype=torch.long), images=2)  # every pixel reads slot 0
    assert M.jis(norm, MASKS > 0) == pytest.approx(1.0)  # looks perfect ...
    assert M.jari(norm, MASKS) == pytest.approx(0.0)  # ... but separates nothing
    share = max_slot_share(norm.argmax(dim=1), MASKS, slots=4)
    assert share == pytest.approx(1.0)
    metrics = {"jis": 1.0, "jari": 0.0, **collapse_metrics(share)}
    assert metrics["collapsed"] == 1.0
    warning = collapse_warning(metrics)
    assert warning and "slot collapse" in warning and "100%" in warning and "jis 1" in warning


def test_a_segmentation_by_object_is_not_a_collapse():
    for image in range(2):  # each pixel reads the slot of its own object (the decoder is per image here)
        norm = jacobian_segmentation(MASKS[image], images=1)
        assert M.jari(norm, MASKS[image : image + 1]) == pytest.approx(1.0)
        share = max_slot_share(norm.argmax(dim=1), MASKS[image : image + 1], slots=4)
        assert share == pytest.approx([4 / 7, 2 / 6][image])  # the largest object's part of the foreground
        assert collapse_metrics(share)["collapsed"] == 0.0
        assert collapse_warning({"jari": 1.0, **collapse_metrics(share)}) is None


def test_share_is_per_image_then_averaged_and_skips_empty_images():
    # image 0: slot 2 takes all 7 foreground pixels; image 1: slots split 3/3; image 2: no foreground
    masks = torch.cat([MASKS, torch.zeros(1, 12, dtype=torch.long)])
    assignment = torch.tensor([[2] * 12, [0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0], [1] * 12])
    assert max_slot_share(assignment, masks, slots=3) == pytest.approx((1.0 + 0.5) / 2)
    assert math.isnan(max_slot_share(assignment[2:], masks[2:], slots=3))


def test_threshold_is_strict():
    assert collapse_metrics(COLLAPSE_SHARE)["collapsed"] == 0.0
    assert collapse_metrics(COLLAPSE_SHARE + 1e-6)["collapsed"] == 1.0
    assert collapse_warning({"jis": 0.9}) is None  # a run without the collapse metrics has no warning


def test_a_hand_edited_metrics_file_cannot_break_the_warning():
    assert collapse_warning({"collapsed": 1, "max_slot_fg_share": "most"}) is None
    assert collapse_warning({"collapsed": "1", "max_slot_fg_share": 0.95}) is None
    assert "95%" in collapse_warning({"collapsed": 1.0, "max_slot_fg_share": 0.95, "jis": "x", "jari": None})
