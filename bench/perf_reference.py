"""Hand-written PyTorch references of four catalogue models, for the compiler-overhead benchmark.

Each reference is a plain function ``ref(p, **inputs) -> dict`` over a flat parameter dict ``p`` (the
compiled model's ``state_dict`` names, so both run on the same weights). The math is written out
directly with torch operations; nothing here imports the compiler or ``zoo.nn``. All references
assume eval mode (no dropout, the reparameterisation returns the mean), as the benchmark runs both
models in eval mode.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

Params = dict[str, torch.Tensor]


def _mlp(p: Params, prefix: str, x: torch.Tensor, layers: tuple[int, ...]) -> torch.Tensor:
    """``Linear -> ReLU -> ... -> Linear`` with the given Sequential indices of the linear layers."""
    for i, idx in enumerate(layers):
        x = F.linear(x, p[f"{prefix}.{idx}.weight"], p[f"{prefix}.{idx}.bias"])
        if i < len(layers) - 1:
            x = torch.relu(x)
    return x


def _ln(p: Params, prefix: str, x: torch.Tensor) -> torch.Tensor:
    return F.layer_norm(x, x.shape[-1:], p[f"{prefix}.weight"], p[f"{prefix}.bias"])


# -- COMET: knn contexts, a bank of MLP mechanisms, residual candidates, a pair classifier ----------
def comet(p: Params, state: torch.Tensor, k: int = 2, feats: int = 4) -> dict[str, torch.Tensor]:
    """comet-particles: state (B, N, D) with positions in features 0, 1, which its mechanisms read relative to
    the slot."""
    b, n, d = state.shape
    pos = state[..., :2]
    dist = torch.cdist(pos, pos) + torch.diag(torch.full((n,), float("inf")))  # (B, N, N): no self loops
    index = dist.topk(k, dim=-1, largest=False).indices  # (B, N, C)
    ctx = state[torch.arange(b)[:, None, None], index]  # (B, N, C, D)
    ctx = torch.cat([ctx, ctx.new_ones(b, n, k, 1)], dim=-1)  # (B, N, C, D+1): presence channel
    own = state.unsqueeze(2).expand(-1, -1, k, -1)  # (B, N, C, D)
    offset = (ctx[..., :2] - own[..., :2]) * ctx[..., -1:]  # relative [0, 1]: where the context is, seen from the slot
    unit = p.get("particles.input_scale", 1.0)  # normalize: the unit the mechanisms read in (1 in zoo's worlds)
    mine = torch.cat([torch.zeros_like(offset), own[..., 2:feats]], dim=-1) / unit
    theirs = torch.cat([offset, ctx[..., 2:feats]], dim=-1) / unit
    x = torch.cat([mine, theirs, ctx[..., -1:]], dim=-1)  # (B, N, C, 2F+1)
    h = x.reshape(1, -1, x.shape[-1])  # (1, P, in)
    w = [p[f"particles.mechanisms.weights.{i}"] for i in range(3)]
    bias = [p[f"particles.mechanisms.biases.{i}"] for i in range(3)]
    h = torch.relu(torch.matmul(h, w[0]) + bias[0][:, None])  # (M, P, 64)
    h = torch.relu(torch.baddbmm(bias[1][:, None], h, w[1]))
    delta = torch.baddbmm(bias[2][:, None], h, w[2]) * p.get("particles.output_scale", 1.0)  # (M, P, F)
    m = delta.shape[0]
    delta = delta.view(m, b, n, k, feats).permute(1, 2, 0, 3, 4)  # (B, N, M, C, F)
    candidates = state[:, :, None, None, :] + F.pad(delta, (0, d - feats))  # (B, N, M, C, D)
    pairs = torch.cat([own, ctx, ctx[..., :d] - own], dim=-1)  # (B, N, C, 3D+1)
    logits = _mlp(p, "router.scorer.net", pairs, (0, 2)).transpose(-1, -2) + p["router.prior"]  # (B, N, M, C)
    best = logits.flatten(2).argmax(dim=-1)  # (B, N)
    options = candidates.flatten(2, 3)  # (B, N, M*C, D)
    prediction = options.gather(2, best[..., None, None].expand(-1, -1, 1, d)).squeeze(2)
    return {"candidates": candidates, "index": index, "mask": torch.ones_like(index, dtype=torch.bool),
            "logits": logits, "prediction": prediction}


# -- linear hypernetwork: W_l = sum_k z_lk Theta_lk, a two-layer target without biases ------------
def hypernet(p: Params, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """hypernet-linear-connected: x (B, 16), one shared task embedding (2, K)."""
    z = p["embedding.value"]
    z = z * math.sqrt(z.shape[-1]) / z.norm(dim=-1, keepdim=True).clamp_min(1e-8)  # rows to norm sqrt(K)
    t0, t1 = p["hnet.thetas.0"], p["hnet.thetas.1"]  # (K, a, b)
    w0 = (z[0] @ t0.flatten(1)).view(t0.shape[1:])
    w1 = (z[1] @ t1.flatten(1)).view(t1.shape[1:])
    h = torch.relu(x @ w0 / math.sqrt(w0.shape[0]))
    y = h @ w1 / math.sqrt(w1.shape[0])
    return {"y": y * p["hnet.gain"] + p["hnet.bias"]}


# -- RIMs: input attention, top-k activity, grouped GRU cells, communication among cells ----------
def rims(p: Params, x: torch.Tensor, active: int = 4, comm_heads: int = 4) -> dict[str, torch.Tensor]:
    """rims-digits: token sequence x (B, T) -> logits (B, 10) and activity (B, T, K)."""
    c = "rims.cell."
    emb = p["embed.weight"][x]  # (B, T, E)
    keys = F.linear(emb, p[c + "key.weight"], p[c + "key.bias"])  # (B, T, dk): one input head
    null_key = p[c + "key.bias"]  # (dk,)
    values = F.linear(emb, p[c + "value.weight"], p[c + "value.bias"])  # (B, T, dv)
    w_ih, w_hh = p[c + "cells.weight_ih"], p[c + "cells.weight_hh"]  # (K, dv, 3H), (K, H, 3H)
    b_ih, b_hh = p[c + "cells.bias_ih"], p[c + "cells.bias_hh"]  # (K, 3H)
    px = torch.einsum("btv,kvg->btkg", values, w_ih)  # (B, T, K, 3H), bias added per step
    p_null = torch.einsum("v,kvg->kg", p[c + "value.bias"], w_ih)  # (K, 3H)
    w_q, w_ci, b_ci, w_co = p[c + "query.weight"], p[c + "comm_in.weight"], p[c + "comm_in.bias"], p[c + "comm_out.weight"]
    kcount, hid = p["rims.h0"].shape
    dk = w_q.shape[-1]
    cdk = (w_ci.shape[-1] - hid) // 3 // comm_heads
    h = p["rims.h0"].expand(x.shape[0], -1, -1)  # (B, K, H)
    masks = []
    for key_t, px_t in zip(keys.unbind(1), px.unbind(1)):  # unbind: px[:, t] would cost a full-size grad per step
        q = torch.bmm(h.transpose(0, 1), w_q).transpose(0, 1)  # (B, K, dk)
        s_in = (q @ key_t[..., None]).squeeze(-1) / math.sqrt(dk)  # (B, K)
        s_null = (q @ null_key) / math.sqrt(dk)
        probs = torch.softmax(torch.stack([s_in, s_null], -1), dim=-1)  # (B, K, 2)
        top = probs[..., 1].topk(active, dim=-1, largest=False).indices
        mask = torch.zeros_like(s_in, dtype=torch.bool).scatter(1, top, True)[..., None]  # (B, K, 1)
        gi = probs[..., :1] * px_t + probs[..., 1:] * p_null + b_ih  # (B, K, 3H)
        gh = torch.baddbmm(b_hh[:, None], h.transpose(0, 1), w_hh).transpose(0, 1)
        i_r, i_z, i_n = gi.chunk(3, -1)
        h_r, h_z, h_n = gh.chunk(3, -1)
        r, zg = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        h_mid = torch.where(mask, (1 - zg) * n + zg * h, h)
        qkvg = torch.baddbmm(b_ci[:, None], h_mid.transpose(0, 1), w_ci).transpose(0, 1)  # (B, K, 3*hd*dk+H)
        qq, kk, vv = (t_.reshape(-1, kcount, comm_heads, cdk).transpose(1, 2)
                      for t_ in qkvg[..., :-hid].chunk(3, -1))  # (B, heads, K, dk)
        att = torch.softmax(qq @ kk.transpose(-1, -2) / math.sqrt(cdk), dim=-1)
        read = (att @ vv).transpose(1, 2).flatten(2)  # (B, K, heads*dv)
        upd = torch.tanh(torch.bmm(read.transpose(0, 1), w_co).transpose(0, 1))
        g = torch.sigmoid(qkvg[..., -hid:])
        h = torch.where(mask, h_mid + g * (upd - h_mid), h)
        masks.append(mask[..., 0])
    y = F.linear(h.flatten(1), p["head.weight"], p["head.bias"])
    return {"y": y, "active": torch.stack(masks, dim=1)}


# -- slot VAE: CNN + slot-query Transformer (or slot attention), pixel-query cross-attention decoder
def _grid(side: int) -> torch.Tensor:
    c = (torch.arange(side, dtype=torch.float32) + 0.5) / side * 2 - 1
    gy, gx = torch.meshgrid(c, c, indexing="ij")
    return torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=-1)  # (side^2, 2)


def _attend(p: Params, pre: str, x: torch.Tensor, kv: torch.Tensor, heads: int) -> torch.Tensor:
    """Standard multi-head attention of x (B, P, d) over kv (B, K, d)."""
    q = F.linear(x, p[pre + "to_q.weight"], p[pre + "to_q.bias"])
    k, v = F.linear(kv, p[pre + "to_kv.weight"], p[pre + "to_kv.bias"]).chunk(2, -1)
    split = lambda t: t.unflatten(-1, (heads, -1)).transpose(1, 2)  # noqa: E731  (B, h, N, dh)
    q, k, v = split(q), split(k), split(v)
    w = torch.softmax(q @ k.transpose(-1, -2) * q.shape[-1] ** -0.5, dim=-1)
    return F.linear((w @ v).transpose(1, 2).flatten(2), p[pre + "out.weight"], p[pre + "out.bias"])


def _set_attend(p: Params, pre: str, x: torch.Tensor, kv: torch.Tensor, heads: int):
    """Attention of many queries x (1, P, q) over a few slots kv (B, K, d), with the keys folded into
    the query projection and the values into the output projection (no per-head query copies). The
    scores are laid out (B, h, K, P) so the softmax over slots runs with the queries contiguous."""
    k, v = F.linear(kv, p[pre + "to_kv.weight"], p[pre + "to_kv.bias"]).chunk(2, -1)
    b, n, d = k.shape
    dh = d // heads
    kh, vh = k.view(b, n, heads, dh), v.view(b, n, heads, dh)
    wq, bq, wo = p[pre + "to_q.weight"].view(heads, dh, -1), p[pre + "to_q.bias"].view(heads, dh), p[pre + "out.weight"]
    a = torch.einsum("hdi,bkhd->bhki", wq, kh).flatten(1, 2) * dh**-0.5  # (B, h*K, q)
    c = torch.einsum("hd,bkhd->bhk", bq, kh).flatten(1)[..., None] * dh**-0.5  # (B, h*K, 1)
    w = (a @ x.transpose(1, 2) + c).unflatten(1, (heads, n)).softmax(2)  # (B, h, K, P)
    vo = torch.einsum("bkhd,ohd->bhko", vh, wo.view(wo.shape[0], heads, dh)).flatten(1, 2)  # (B, h*K, q)
    return torch.baddbmm(p[pre + "out.bias"], w.flatten(1, 2).transpose(1, 2), vo), w.transpose(-1, -2)


def _cross(p: Params, pre: str, x: torch.Tensor, kv: torch.Tensor, heads: int, small: bool):
    xn, kvn = _ln(p, pre + "norm_q", x), _ln(p, pre + "norm_kv", kv)
    out, w = _set_attend(p, pre + "attn.", xn, kvn, heads) if small else (_attend(p, pre + "attn.", xn, kvn, heads), None)
    x = x + out
    ff = pre + "ff.net."
    return x + _mlp(p, ff[:-1], _ln(p, ff + "0", x), (1, 3)), w


def _slot_attention(p: Params, pre: str, tokens: torch.Tensor, iterations: int) -> torch.Tensor:
    """Slot attention from the saved evaluation draw: tokens (B, N, d) -> slots (B, K, d)."""
    x = _ln(p, pre + "norm_tokens", tokens)
    k, v = F.linear(x, p[pre + "to_k.weight"]), F.linear(x, p[pre + "to_v.weight"])
    b, _, d = k.shape
    slots = (p[pre + "mu"] + p[pre + "log_sigma"].exp() * p[pre + "eval_noise"]).expand(b, -1, -1)
    for _ in range(iterations):
        q = F.linear(_ln(p, pre + "norm_slots", slots), p[pre + "to_q.weight"])
        attn = torch.softmax(q @ k.transpose(1, 2) * d**-0.5, dim=1) + 1e-8  # over slots
        updates = (attn / attn.sum(-1, keepdim=True)) @ v
        slots = torch.gru_cell(updates.reshape(-1, d), slots.reshape(-1, d), p[pre + "gru.weight_ih"],
                               p[pre + "gru.weight_hh"], p[pre + "gru.bias_ih"], p[pre + "gru.bias_hh"]).view(b, -1, d)
        slots = slots + _mlp(p, pre + "mlp", _ln(p, pre + "norm_mlp", slots), (0, 2))
    return slots


def slotvae(p: Params, image: torch.Tensor, strides: tuple[int, ...] = (1, 2, 1), heads: int = 4,
            layers: int = 2, frequencies: int = 6, iterations: int = 3) -> dict[str, torch.Tensor]:
    """slotvae-sprites in eval mode (z = mu): image (B, 3, S, S); its encoder groups the tokens by slot
    attention, or by a slot-query Transformer when the weights hold ``encoder.queries``."""
    h = image
    for i, s in enumerate(strides):
        h = torch.relu(F.conv2d(h, p[f"encoder.cnn.{2 * i}.weight"], p[f"encoder.cnn.{2 * i}.bias"], stride=s, padding=1))
    side = h.shape[-1]
    feats = h.flatten(2).transpose(1, 2) + F.linear(_grid(side), p["encoder.position.weight"], p["encoder.position.bias"])
    tokens = _mlp(p, "encoder.tokens", _ln(p, "encoder.tokens.0", feats), (1, 3))  # (B, N, d)
    if "encoder.queries" in p:
        slots = p["encoder.queries"].expand(image.shape[0], -1, -1)
        for i in range(layers):
            pre = f"encoder.layers.{i}."
            s = _ln(p, pre + "norm_self", slots)
            slots = slots + _attend(p, pre + "self_attn.", s, s, heads)
            slots = _cross(p, pre + "cross.", slots, tokens, heads, small=False)[0]
    else:
        slots = _slot_attention(p, "encoder.slot_attention.", tokens, iterations)
    mu, logvar = F.linear(_ln(p, "encoder.head.0", slots), p["encoder.head.1.weight"], p["encoder.head.1.bias"]).chunk(2, -1)
    size = image.shape[-1]
    coords = _grid(size)
    angles = (coords[..., None] * (math.pi * 2.0 ** torch.arange(frequencies))).flatten(-2)
    x = _mlp(p, "decoder.query", torch.cat([coords, angles.sin(), angles.cos()], -1), (0, 2))[None]  # (1, P, q)
    kv = _mlp(p, "decoder.slot_proj", mu, (0, 2))  # (B, K, d)
    total = 0.0
    for i in range(layers):
        x, w = _cross(p, f"decoder.layers.{i}.", x, kv, heads, small=True)
        total = total + w.sum(1)  # (B, P, K): summed over heads
    colours = _mlp(p, "decoder.colour", _ln(p, "decoder.colour.0", x), (1, 3))  # (B, P, C)
    recon = colours.transpose(1, 2).unflatten(2, (size, size))
    return {"recon": recon, "attention": total / layers, "mu": mu, "logvar": logvar, "z": mu}
