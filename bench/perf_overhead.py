"""Compiled model vs hand-written reference (bench/perf_reference.py): forward+backward time ratio.

Both run in eval mode on the same weights and inputs; their outputs are checked equal before timing.
Repeats are interleaved (compiled, reference, compiled, ...) and each side's median is taken, so a
load change on the machine hits both sides alike.
"""

from __future__ import annotations

import time
from typing import Callable

import torch

import perf_reference as ref
from perf_bank import interleaved
from zoo import compile_spec
from zoo.schema import load_spec

# spec -> (reference, input builder at (batch, quick)); sizes are the training sizes of each spec
CASES: dict[str, tuple[str, Callable, Callable[[int, bool], dict[str, torch.Tensor]]]] = {
    "comet": ("comet-particles", ref.comet, lambda g, q: {"state": torch.randn(8 if q else 64, 5, 8, generator=g)}),
    "hypernet": ("hypernet-linear-connected", ref.hypernet,
                 lambda g, q: {"x": torch.rand(32 if q else 128, 16, generator=g) * 2 - 1}),
    "rims": ("rims-digits", ref.rims,
             lambda g, q: {"x": torch.randint(0, 2, (4, 16) if q else (64, 196), generator=g)}),
    "slotvae": ("slotvae-sprites", ref.slotvae, lambda g, q: {"image": torch.rand(2 if q else 16, 3, 32, 32, generator=g)}),
}


def loss_of(out: dict[str, torch.Tensor]) -> torch.Tensor:
    """A scalar touching every differentiable output."""
    return sum(v.square().mean() for v in out.values() if v.is_floating_point())


def pair(name: str, quick: bool = False, device: str = "cpu"):
    """The compiled model, the reference's parameters and the inputs of one case."""
    spec_name, fn, make = CASES[name]
    torch.manual_seed(0)
    model = compile_spec(load_spec(spec_name)).to(device).eval()
    trained = dict(model.named_parameters())  # buffers (a bank's data scales) take no gradient on either side
    params = {k: v.detach().clone().requires_grad_(k in trained) for k, v in model.state_dict().items()}
    inputs = {k: v.to(device) for k, v in make(torch.Generator().manual_seed(1), quick).items()}
    return model, fn, params, inputs


def check_equal(model, fn, params, inputs) -> None:
    """Outputs of the compiled model and the reference agree (raises otherwise)."""
    with torch.no_grad():
        got, want = model(**inputs), fn(params, **inputs)
    assert set(got) == set(want), (sorted(got), sorted(want))
    for k in got:
        torch.testing.assert_close(got[k], want[k], rtol=1e-4, atol=1e-5, msg=lambda m: f"output {k!r}: {m}")


def overhead(name: str, quick: bool = False, device: str = "cpu", repeat: int = 15,
             budget_s: float = 8.0) -> dict[str, float]:
    """Forward+backward ms of compiled vs reference, and their ratio."""
    model, fn, params, inputs = pair(name, quick, device)
    check_equal(model, fn, params, inputs)

    own = list(model.parameters())  # both sides clear gradients the same way (not Module.zero_grad's walk)

    def compiled() -> None:
        for p in own:
            p.grad = None
        loss_of(model(**inputs)).backward()

    def reference() -> None:
        for p in params.values():
            p.grad = None
        loss_of(fn(params, **inputs)).backward()

    if not quick:  # cheap models get more repeats: about ``budget_s`` of timing per case, at least ``repeat``
        t0 = time.perf_counter()
        compiled(), reference()
        repeat = int(min(2000, max(repeat, budget_s / max(time.perf_counter() - t0, 1e-6))))
    t = interleaved({"compiled": compiled, "reference": reference}, repeat=3 if quick else repeat)
    return {f"compiled_ms_{name}": t["compiled"] * 1e3, f"reference_ms_{name}": t["reference"] * 1e3,
            f"overhead_ratio_{name}": t["compiled"] / t["reference"]}
