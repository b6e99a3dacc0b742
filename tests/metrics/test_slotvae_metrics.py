"""JIS, J-ARI, ARI and the interaction penalty against hand-computed values on toy decoders."""

import pytest
import torch

from zoo.families.slot_vae import metrics as M


def linear_decoder(weights: torch.Tensor):
    """x[p] = sum_k weights[p, k] * z[k, 0] (one channel, D = 1); weights (P, K)."""
    def decode(z, index):  # z (B, K, 1), index (Q,) -> (B, Q, 1)
        return torch.einsum("qk,bk->bq", weights[index], z[..., 0]).unsqueeze(-1)
    return decode


def one_slot_decoder(owner: torch.Tensor, dim: int):
    """Pixel p depends (nonlinearly, through 3 channels) on slot owner[p] only."""
    v = torch.linspace(0.5, 1.5, dim)

    def decode(z, index):  # z (B, K, D) -> (B, Q, 3)
        picked = z[:, owner[index]]  # (B, Q, D)
        s = (picked * v).sum(-1, keepdim=True)  # (B, Q, 1)
        return torch.cat([torch.tanh(s), s**2, torch.sin(s)], dim=-1)
    return decode


def test_linear_decoder_slot_maps_and_jis_by_hand():
    w = torch.tensor([[2.0, 0.0], [0.0, 3.0], [1.0, 3.0], [0.0, -4.0]])  # (P=4, K=2)
    z = torch.randn(3, 2, 1)
    maps = M.slot_jacobian(linear_decoder(w), z, pixels=4, chunk=3, images=2)
    assert maps.shape == (3, 2, 4)
    assert torch.allclose(maps, w.abs().t().expand(3, -1, -1))
    norm = M.normalise_slots(maps)
    assert torch.allclose(norm[0, :, 2], torch.tensor([0.25, 0.75]))
    # max over slots per pixel: 1, 1, 0.75, 1 -> mean 0.9375; (0.9375 - 1/2) / (1 - 1/2) = 0.875
    fg = torch.ones(3, 4, dtype=torch.bool)
    assert M.jis(norm, fg) == pytest.approx(0.875)
    # only the third pixel in the foreground: (0.75 - 0.5) / 0.5 = 0.5
    fg_one = torch.zeros(3, 4, dtype=torch.bool)
    fg_one[:, 2] = True
    assert M.jis(norm, fg_one) == pytest.approx(0.5)
    # argmax slots 0, 1, 1, 1: ground truth {0}, {1, 2, 3} with other label names -> J-ARI 1
    masks = torch.tensor([[2, 1, 1, 1]] * 3)
    assert M.jari(norm, masks) == pytest.approx(1.0)


def test_each_pixel_on_one_slot_gives_jis_one_and_jari_one():
    torch.manual_seed(0)
    owner = torch.tensor([0, 0, 1, 1, 2, 2, 2, 1, 0, 2, 1, 0])  # (P=12,), K = 3
    z = torch.randn(4, 3, 5)
    maps = M.slot_jacobian(one_slot_decoder(owner, 5), z, pixels=12, chunk=5, images=3)
    norm = M.normalise_slots(maps)
    masks = (owner + 1).expand(4, -1)
    assert M.jis(norm, masks > 0) == pytest.approx(1.0)
    assert M.jari(norm, masks) == pytest.approx(1.0)


def test_every_pixel_on_every_slot_equally_gives_jis_zero():
    w = torch.ones(6, 4)
    maps = M.slot_jacobian(linear_decoder(w), torch.randn(2, 4, 1), pixels=6)
    assert M.jis(M.normalise_slots(maps), torch.ones(2, 6, dtype=torch.bool)) == pytest.approx(0.0, abs=1e-6)


def test_chunking_does_not_change_the_jacobian():
    torch.manual_seed(1)
    owner = torch.randint(0, 3, (20,))
    z = torch.randn(5, 3, 4)
    dec = one_slot_decoder(owner, 4)
    a = M.slot_jacobian(dec, z, pixels=20, chunk=20, images=5)
    b = M.slot_jacobian(dec, z, pixels=20, chunk=3, images=2)
    assert torch.allclose(a, b)


def test_slot_decoder_jacobian_equals_autograd():
    """The per-pixel reverse-mode maps of a real decoder equal its full Jacobian taken by autograd."""
    from zoo.nn.slot_vae import SlotDecoder

    torch.manual_seed(2)
    dec = SlotDecoder(channels=3, size=4, slot_dim=3, d_model=8, query_dim=8, layers=2, heads=2,
                      frequencies=2, hidden=8).eval()
    z = torch.randn(3, 4, 3)  # (B, K, D)
    maps = M.slot_jacobian(dec.decode_pixels, z, pixels=16, chunk=5, images=2)
    for b in range(3):
        full = torch.autograd.functional.jacobian(lambda w: dec(w.unsqueeze(0))[0][0], z[b])  # (C, H, W, K, D)
        want = full.flatten(1, 2).abs().sum(dim=(0, 3)).t()  # (K, P)
        assert torch.allclose(maps[b], want, atol=1e-6)


def test_ari_by_hand():
    # contingency {0: [2], 1: [1, 1]}: index 1, expected 2*1/6, max 1.5 -> (2/3) / (7/6) = 4/7
    assert M.ari([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(4 / 7)
    assert M.ari([0, 0, 1, 1], [5, 5, 3, 3]) == pytest.approx(1.0)
    assert M.ari([0, 0, 1, 1], [0, 0, 0, 0]) == pytest.approx(0.0)


def test_foreground_ari_ignores_background_and_averages_images():
    masks = torch.tensor([[0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 2, 0]])
    assign = torch.tensor([[3, 4, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0]])  # perfect, then all merged
    assert M.foreground_ari(masks, assign) == pytest.approx(0.5)
    attention = torch.nn.functional.one_hot(assign, 5).float()  # (B, P, K)
    assert M.attention_ari(attention, masks) == pytest.approx(0.5)


def test_interaction_by_hand():
    a = torch.tensor([[[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]]])  # (B=1, P=3, K=3)
    # per pixel: 0, 0.25, 3 * 1/9 -> mean (0 + 0.25 + 1/3) / 3
    assert M.interaction(a).item() == pytest.approx((0.25 + 1 / 3) / 3)
    heads_summed = torch.tensor([[[1.0, 1.0], [2.0, 0.0]]])  # rows sum to 2 heads
    assert M.interaction(heads_summed).item() == pytest.approx(0.5)


def test_jacobian_raises_no_deprecation_warning():
    """A fresh interpreter computes the metric and sees no DeprecationWarning (PyTorch warns when a
    process first loads the TorchScript decompositions of forward-mode derivatives, which this metric
    once used; in this interpreter they may be loaded already)."""
    import subprocess
    import sys

    code = (
        "import warnings, torch\n"
        "from zoo.families.slot_vae import metrics as M\n"
        "w = torch.tensor([[2.0, 0.0], [1.0, 3.0]])\n"
        "decode = lambda z, index: torch.tanh(torch.einsum('qk,bk->bq', w[index], z[..., 0])).unsqueeze(-1)\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    M.slot_jacobian(decode, torch.randn(2, 2, 1), pixels=2)\n"
        "print([str(c.message) for c in caught if issubclass(c.category, DeprecationWarning)])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
