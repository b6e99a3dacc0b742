"""zoo's slot attention block vs lucidrains' ``slot-attention`` (PyPI): forward+backward, same weights.

The math is the same (Locatello et al. 2020: slots from one learned Gaussian, softmax over the slots,
weighted mean over the tokens with eps, a shared GRU cell and a residual MLP), with one difference: the
peer's query/key/value maps have biases and zoo's have none, so the copied biases are zero (a bias add
on (B, N, d) per map is the only extra work the peer does). Both draw their starting slots from the same
seed, so the outputs are checked equal before timing.
"""

from __future__ import annotations

import torch

import peers
from zoo.nn.slot_vae import SlotAttention

# name -> (batch, tokens, slots, dim, iterations, mlp hidden)
SIZES = {
    "catalogue": (16, 256, 5, 64, 3, 128),  # slotvae-sprites with grouping=slot_attention: 16x16 tokens
    "paper": (64, 1024, 7, 64, 3, 128),  # Locatello et al.'s object discovery: 7 slots over 32x32 tokens
}
QUICK = (2, 16, 3, 8, 2, 16)


def copy_into(peer: torch.nn.Module, zoo: SlotAttention) -> None:
    """zoo's weights into the peer's module (its q/k/v biases set to zero)."""
    with torch.no_grad():
        peer.slots_mu.copy_(zoo.mu.view(1, 1, -1))
        peer.slots_logsigma.copy_(zoo.log_sigma.view(1, 1, -1))
        for name in ("to_q", "to_k", "to_v"):
            getattr(peer, name).weight.copy_(getattr(zoo, name).weight)
            getattr(peer, name).bias.zero_()
        peer.gru.load_state_dict(zoo.gru.state_dict())
        peer.mlp.load_state_dict(zoo.mlp.state_dict())
        for theirs, ours in (("norm_input", "norm_tokens"), ("norm_slots", "norm_slots"), ("norm_pre_ff", "norm_mlp")):
            getattr(peer, theirs).load_state_dict(getattr(zoo, ours).state_dict())


def compare(quick: bool = False, device: str = "cpu", sizes: str = "catalogue") -> dict[str, float]:
    """Times both blocks (training mode: slots drawn from the Gaussian at each call, same seed)."""
    lib = peers.load("slot_attention", "slot-attention")
    b, n, k, d, iters, hidden = QUICK if quick else SIZES[sizes]
    torch.manual_seed(0)
    ours = SlotAttention(d, k, iters, hidden).to(device)
    theirs = lib.SlotAttention(num_slots=k, dim=d, iters=iters, hidden_dim=hidden).to(device)
    copy_into(theirs, ours)
    tokens = torch.randn(b, n, d, device=device)

    def ours_out() -> torch.Tensor:
        torch.manual_seed(1)
        return ours(tokens)[0]

    def theirs_out() -> torch.Tensor:
        torch.manual_seed(1)
        return theirs(tokens)

    with torch.no_grad():
        peers.assert_same(ours_out(), theirs_out(), "slots")
    params = [*ours.parameters(), *theirs.parameters()]
    return peers.side_by_side("slot_attention", peers.backward_step(params, ours_out),
                              peers.backward_step(params, theirs_out), device, repeat=3 if quick else 20)
