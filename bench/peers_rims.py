"""zoo's RIMs vs the alternatives a user has, at the paper's sizes (rims-digits: 6 GRU cells of 100, 4
active, batch 64, 196 one-token steps), forward+backward.

* **The authors' design** (Goyal et al.'s code, rewritten here from its description; no code of theirs):
  the K cells are one dense recurrent cell of width K*H whose weight matrices are multiplied by a
  block-diagonal mask at every step (so cells do not mix), the input attention runs inside the step, and
  inactive cells are restored arithmetically, ``mask * h_new + (1 - mask) * h_old``. :func:`dense_rims`
  computes zoo's equations that way on the compiled model's weights; its outputs are checked equal to
  zoo's, so the ratio is a ratio of designs: the dense cell does K times the recurrent products (every
  off-block zero is multiplied) plus the masking, where zoo runs K small grouped products.
* **torch-rim** (PyPI) is not a RIMs library: it implements Recurrent *Inference* Machines (a learned
  iterative solver for inverse problems, Putzky & Welling 2017) around a plain GRU. The math differs
  entirely, so it is compared at equal FLOPs: its recurrent unit (``rim.layers.GRU``, six ``nn.Linear``
  per step) over the same 196 steps and batch, with its width chosen so that its matmul FLOPs per
  sequence equal zoo's (counted with ``torch.utils.flop_counter``). That measures the cost of RIMs'
  structure (attention, top-k, communication, masking) against a dense recurrent net of equal work, not
  a faster or slower implementation of the same model.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

import peers
from perf_overhead import loss_of, pair

Params = dict[str, torch.Tensor]


def block_diagonal(grouped: torch.Tensor, gates: int) -> torch.Tensor:
    """Grouped weights (K, in, gates*H) -> a dense (gates*K*H, K*in) matrix in ``nn.GRUCell`` layout
    (rows gate-major, then cell, then unit), zero outside each cell's blocks."""
    k, n_in, gh = grouped.shape
    h = gh // gates
    w = grouped.view(k, n_in, gates, h).permute(2, 0, 3, 1)  # (gates, K, H, in)
    eye = torch.eye(k, dtype=grouped.dtype, device=grouped.device)
    dense = torch.einsum("gkhi,kl->gkhli", w, eye)  # (gates, K, H, K, in): cell k reads only block k
    return dense.reshape(gates * k * h, k * n_in)


def dense_bias(grouped: torch.Tensor, gates: int) -> torch.Tensor:
    """Grouped biases (K, gates*H) -> (gates*K*H,) in the dense layout."""
    k, gh = grouped.shape
    return grouped.view(k, gates, gh // gates).transpose(0, 1).reshape(-1)


def dense_rims(p: Params, x: torch.Tensor, active: int = 4, comm_heads: int = 4) -> dict[str, torch.Tensor]:
    """rims-digits computed the authors' way (module docstring): x (B, T) tokens -> logits, activity."""
    c = "rims.cell."
    kcount, hid = p["rims.h0"].shape
    w_q, w_ci, b_ci = p[c + "query.weight"], p[c + "comm_in.weight"], p[c + "comm_in.bias"]
    w_co = p[c + "comm_out.weight"]
    dk, dv = w_q.shape[-1], p[c + "value.weight"].shape[0]
    cdk = (w_ci.shape[-1] - hid) // 3 // comm_heads
    w_ih, w_hh = block_diagonal(p[c + "cells.weight_ih"], 3), block_diagonal(p[c + "cells.weight_hh"], 3)
    mask_ih, mask_hh = (w_ih != 0).to(w_ih.dtype), (w_hh != 0).to(w_hh.dtype)  # the block structure
    b_ih, b_hh = dense_bias(p[c + "cells.bias_ih"], 3), dense_bias(p[c + "cells.bias_hh"], 3)
    emb = p["embed.weight"][x]  # (B, T, E)
    b = x.shape[0]
    h = p["rims.h0"].expand(b, -1, -1).reshape(b, kcount * hid)  # (B, K*H): one dense state
    masks = []
    for x_t in emb.unbind(1):
        hk = h.view(b, kcount, hid)
        key = F.linear(x_t, p[c + "key.weight"], p[c + "key.bias"])  # (B, dk): the input attention, per step
        value = F.linear(x_t, p[c + "value.weight"], p[c + "value.bias"])  # (B, dv)
        q = torch.einsum("bkh,khd->bkd", hk, w_q)
        scores = torch.stack([(q @ key[..., None]).squeeze(-1), q @ p[c + "key.bias"]], -1) / math.sqrt(dk)
        probs = torch.softmax(scores, dim=-1)  # (B, K, 2): [input, null]
        inp = probs[..., :1] * value[:, None] + probs[..., 1:] * p[c + "value.bias"]  # (B, K, dv)
        top = probs[..., 1].topk(active, dim=-1, largest=False).indices
        mask = torch.zeros(b, kcount, dtype=h.dtype, device=h.device).scatter(1, top, 1.0)
        cell_mask = mask.repeat_interleave(hid, dim=1)  # (B, K*H)
        h_new = torch.gru_cell(inp.reshape(b, kcount * dv), h, w_ih * mask_ih, w_hh * mask_hh, b_ih, b_hh)
        h_mid = cell_mask * h_new + (1 - cell_mask) * h
        hm = h_mid.view(b, kcount, hid)
        qkvg = torch.einsum("bkh,khg->bkg", hm, w_ci) + b_ci
        qq, kk, vv = (t.reshape(b, kcount, comm_heads, cdk).transpose(1, 2) for t in qkvg[..., :-hid].chunk(3, -1))
        att = torch.softmax(qq @ kk.transpose(-1, -2) / math.sqrt(cdk), dim=-1)  # (B, heads, K, K)
        read = (att @ vv).transpose(1, 2).flatten(2)
        upd = torch.tanh(torch.einsum("bkr,krh->bkh", read, w_co))
        comm = torch.lerp(hm, upd, torch.sigmoid(qkvg[..., -hid:])).reshape(b, kcount * hid)
        h = cell_mask * comm + (1 - cell_mask) * h
        masks.append(mask.bool())
    return {"y": F.linear(h, p["head.weight"], p["head.bias"]), "active": torch.stack(masks, 1)}


def authors_design(quick: bool = False, device: str = "cpu") -> dict[str, float]:
    """zoo's compiled rims-digits vs :func:`dense_rims` on its weights (eval mode: no dropout)."""
    model, _, params, inputs = pair("rims", quick, device)
    with torch.no_grad():
        got, want = model(**inputs), dense_rims(params, **inputs)
    peers.assert_same([got["y"], got["active"]], [want["y"], want["active"]], "rims outputs")
    own, theirs = list(model.parameters()), list(params.values())

    def ours() -> None:
        peers.zero_grads(own)
        loss_of({"y": model(**inputs)["y"]}).backward()

    def dense() -> None:
        peers.zero_grads(theirs)
        loss_of({"y": dense_rims(params, **inputs)["y"]}).backward()

    return peers.side_by_side("rims_authors_design", ours, dense, device, repeat=1 if quick else 3,
                              memory=not quick, warmup=1)


def matmul_flops(fn) -> int:
    """Matmul FLOPs of one forward call (the flop counter counts products, not elementwise work)."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


def torch_rim(quick: bool = False, device: str = "cpu") -> dict[str, float]:
    """zoo's rims-digits vs torch-rim's GRU unit of equal matmul FLOPs (module docstring)."""
    lib = peers.load("rim.layers", "torch-rim")
    model, _, _, inputs = pair("rims", quick, device)
    x = inputs["x"]
    (b, steps), embed = x.shape, model.embed.weight.shape[1]
    target = matmul_flops(lambda: model(**inputs))
    # a GRU of width w with input width e costs 2*B*3*(e*w + w*w) FLOPs per step, plus its head (w -> 10)
    per_step = target / steps / (6 * b)
    width = max(2, round((-embed + math.sqrt(embed * embed + 4 * per_step)) / 2))
    torch.manual_seed(0)
    gru = lib.GRU(embed, width, dimensions=0).to(device)
    emb = torch.nn.Embedding(2, embed).to(device)
    head = torch.nn.Linear(width, 10).to(device)

    def theirs_out() -> torch.Tensor:
        seq = emb(x)
        h = seq.new_zeros(b, width)
        for x_t in seq.unbind(1):
            h, _ = gru(x_t, h)
        return head(h)

    flops = matmul_flops(theirs_out)
    own, others = list(model.parameters()), [*gru.parameters(), *emb.parameters(), *head.parameters()]

    def ours() -> None:
        peers.zero_grads(own)
        loss_of({"y": model(**inputs)["y"]}).backward()

    def theirs() -> None:
        peers.zero_grads(others)
        theirs_out().square().mean().backward()

    out = peers.side_by_side("torch_rim", ours, theirs, device, repeat=1 if quick else 5, memory=not quick,
                             warmup=1)
    out.update({"torch_rim_width": float(width), "torch_rim_flop_ratio": flops / target,
                "rims_gflops_per_sequence": target / 1e9})
    return out
