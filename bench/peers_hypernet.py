"""zoo's linear hypernetwork vs ``hypnettorch`` (PyPI): a batch of task embeddings generates a batch of
target MLPs, each run on its task's shots; forward+backward, same weights.

Same math on both sides: ``W_l(z) = sum_k z_k Theta_{l,k}`` for every layer of a bias-free target MLP
16 -> 32 -> 8 (ReLU), output ``y * gain + bias``. hypnettorch's ``HMLP`` with no hidden layers and no bias
is exactly that linear map (one ``(sum a*b, K)`` matrix, holding zoo's templates transposed and divided by
sqrt(fan_in), which zoo applies in the target instead); its ``mnets.MLP`` runs one target network per
call, so the tasks are a Python loop (how hypnettorch runs a batch of generated networks). zoo generates
every task's weights in one product and runs the targets under ``vmap``. The embedding rescaling zoo's
catalogue spec uses is off here (hypnettorch has none), and the gain and bias are applied to the peer's
output by the same two operations.
"""

from __future__ import annotations

import math

import torch

import peers
from zoo.nn.hypernetwork import LinearHypernetwork

# hypernet-linear-connected: 8 templates, target 16 -> 32 -> 8, meta-batch 32 tasks x 128 query shots
SIZES = {"catalogue": (32, 128, 8, (16, 32, 8))}
QUICK = (4, 8, 4, (16, 8, 8))


def build_peer(lib, zoo: LinearHypernetwork, widths: tuple[int, ...]):
    """hypnettorch's HMLP (holding zoo's templates) and its target MLP without weights of its own."""
    shapes = [[b, a] for a, b in zip(widths[:-1], widths[1:])]  # (out, in), as nn.Linear
    hnet = lib.hnets.HMLP(shapes, uncond_in_size=0, cond_in_size=zoo.templates, layers=(), use_bias=False,
                          no_cond_weights=True, num_cond_embs=0, verbose=False)
    target = lib.mnets.MLP(n_in=widths[0], n_out=widths[-1], hidden_layers=list(widths[1:-1]), use_bias=False,
                           no_weights=True, verbose=False)
    rows = [t.permute(2, 1, 0).reshape(-1, t.shape[0]) / math.sqrt(t.shape[1]) for t in zoo.thetas.values()]
    with torch.no_grad():
        hnet.unconditional_params[0].copy_(torch.cat(rows))  # (sum a*b, K)
    return hnet, target


def compare(quick: bool = False, device: str = "cpu") -> dict[str, float]:
    """Times both on the same embeddings and shots; outputs checked equal first."""
    lib = peers.load("hypnettorch", "hypnettorch")
    import hypnettorch.hnets  # noqa: F401  (subpackages the peer does not import by itself)
    import hypnettorch.mnets  # noqa: F401

    tasks, shots, k, widths = QUICK if quick else SIZES["catalogue"]
    torch.manual_seed(0)
    ours = LinearHypernetwork(k, widths, normalize=False).to(device)
    hnet, target = build_peer(lib, ours, widths)
    hnet.to(device)
    z_ours = torch.randn(tasks, k, device=device, requires_grad=True)
    z_theirs = z_ours.detach().clone().requires_grad_()
    gain, bias = (p.detach().clone().requires_grad_() for p in (ours.gain, ours.bias))
    x = torch.rand(tasks, shots, widths[0], device=device) * 2 - 1

    def ours_out() -> torch.Tensor:
        return ours(x, z_ours)  # (T, Q, out)

    def theirs_out() -> torch.Tensor:
        weights = hnet(cond_input=z_theirs, ret_format="sequential")  # T lists of layer weights
        ys = [target(x[t], weights=weights[t]) for t in range(tasks)]  # one target network per call
        return torch.stack(ys) * gain + bias

    with torch.no_grad():
        peers.assert_same(ours_out(), theirs_out(), "outputs")
    params = [*ours.parameters(), *hnet.parameters(), z_ours, z_theirs, gain, bias]
    return peers.side_by_side("hypnettorch", peers.backward_step(params, ours_out),
                              peers.backward_step(params, theirs_out), device, repeat=3 if quick else 30)
