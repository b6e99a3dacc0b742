"""The slot VAE blocks: attention variants agree, decoder pixels decode independently, sampling modes."""

import torch

from zoo.nn.attention import Attention, SetAttention
from zoo.nn.slot_vae import (Reparameterize, SlotAttention, SlotDecoder, SlotEncoder, coordinate_grid,
                             fourier_features)


def test_set_attention_equals_plain_attention():
    """Same outputs, weights and gradients: many shared or per-example queries (folded form) and a
    few queries (fewer than heads * slots: the plain form)."""
    torch.manual_seed(0)
    plain, fast = Attention(24, 16, 32, 4), SetAttention(24, 16, 32, 4)
    fast.load_state_dict(plain.state_dict())
    kv = torch.randn(3, 5, 16)
    for x in (torch.randn(1, 50, 24), torch.randn(3, 50, 24), torch.randn(3, 2, 24)):
        (o1, w1), (o2, w2) = plain(x, kv), fast(x, kv)
        assert o1.shape == o2.shape == (3, x.shape[1], 24) and w1.shape == w2.shape == (3, 4, x.shape[1], 5)
        assert torch.allclose(o1, o2, atol=1e-5) and torch.allclose(w1, w2, atol=1e-6)
        probe = torch.randn_like(w1)
        g1 = torch.autograd.grad((o1.sum() + (w1 * probe).sum()), list(plain.parameters()))
        g2 = torch.autograd.grad((o2.sum() + (w2 * probe).sum()), list(fast.parameters()))
        assert all(torch.allclose(a, b, atol=1e-4) for a, b in zip(g1, g2))


def test_coordinates_and_fourier_features():
    grid = coordinate_grid(2, 2)
    assert torch.allclose(grid, torch.tensor([[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]]))
    feats = fourier_features(grid, 3)
    assert feats.shape == (4, 2 + 4 * 3)
    assert torch.allclose(feats[:, :2], grid)
    assert torch.allclose(feats[0, 2], torch.sin(torch.tensor(-0.5 * torch.pi)))


def _decoder():
    torch.manual_seed(0)
    return SlotDecoder(channels=3, size=8, slot_dim=6, d_model=16, query_dim=12, layers=2, heads=4,
                       frequencies=3, hidden=20).eval()


def test_decoder_shapes_attention_rows_and_pixel_subsets():
    dec = _decoder()
    z = torch.randn(2, 4, 6)
    image, attn = dec(z)
    assert image.shape == (2, 3, 8, 8) and attn.shape == (2, 64, 4)
    assert torch.allclose(attn.sum(-1), torch.full((2, 64), 4.0))  # summed over 4 heads
    index = torch.tensor([0, 9, 63, 17])
    part = dec.decode_pixels(z, index)  # (2, 4, 3)
    assert torch.allclose(part, image.flatten(2).transpose(1, 2)[:, index], atol=1e-6)


def test_decoder_pixels_never_depend_on_other_pixels():
    """Cross-attention-only: the Jacobian of one pixel's colour w.r.t. another's query is zero."""
    dec = _decoder()
    z = torch.randn(1, 4, 6)
    feats = dec.features.clone().requires_grad_(True)
    colours, _ = dec.decode_queries(z, feats)
    colours[0, 5].sum().backward()
    others = torch.cat([feats.grad[:5], feats.grad[6:]])
    assert others.abs().max() == 0 and feats.grad[5].abs().max() > 0


def test_encoder_shapes_and_reparameterisation_modes():
    torch.manual_seed(0)
    enc = SlotEncoder(channels=3, size=8, widths=(4, 8), strides=(1, 2), kernel=3, d_model=16, layers=1, heads=2,
                      slots=3, slot_dim=5)
    mu, logvar = enc(torch.rand(2, 3, 8, 8))
    assert mu.shape == logvar.shape == (2, 3, 5)
    sample = Reparameterize()
    assert not torch.equal(sample.train()(mu, logvar), mu)
    assert torch.equal(sample.eval()(mu, logvar), mu)
    assert torch.allclose(sample.train()(mu, torch.full_like(mu, -60.0)), mu, atol=1e-6)


def test_slot_attention_competes_over_slots_and_treats_slots_alike():
    torch.manual_seed(0)
    sa = SlotAttention(dim=8, slots=4, iterations=2, hidden=16).eval()
    tokens = torch.randn(3, 10, 8)
    slots, attn = sa(tokens)
    assert slots.shape == (3, 4, 8) and attn.shape == (3, 4, 10)
    assert torch.allclose(attn.sum(dim=1), torch.ones(3, 10))  # each token's weight is shared among the slots
    assert torch.equal(sa(tokens)[0], slots)  # evaluation starts from the saved draw
    # no slot has an identity of its own: permuting the starting draw permutes the slots
    perm = torch.tensor([2, 0, 3, 1])
    sa.eval_noise.copy_(sa.eval_noise[perm])
    assert torch.allclose(sa(tokens)[0], slots[:, perm], atol=1e-6)
    # training draws a fresh start for every image, so two slots never begin (and stay) identical
    sa.train()
    assert not torch.allclose(sa(tokens)[0], sa(tokens)[0])
    assert "eval_noise" in sa.state_dict()


def test_slot_attention_encoder_shapes_and_gradients():
    torch.manual_seed(0)
    enc = SlotEncoder(channels=3, size=8, widths=(4, 8), strides=(1, 2), kernel=3, d_model=16, layers=1, heads=2,
                      slots=3, slot_dim=5, grouping="slot_attention", iterations=2)
    mu, logvar = enc(torch.rand(2, 3, 8, 8))
    assert mu.shape == logvar.shape == (2, 3, 5)
    (mu.sum() + logvar.sum()).backward()
    assert all(p.grad is not None for n, p in enc.named_parameters() if n.startswith("slot_attention"))
    assert not hasattr(enc, "queries")
